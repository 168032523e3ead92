import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headerOnly, nestedJson, safetensorsBytes, stateDictTensors } from './builders';
import { hasStackTrace, runCli } from './harness/runCli';

/**
 * JSON nested thousands of levels deep, in the header of a safetensors file or
 * in the JSON a metadata value holds, is refused at once with a named error:
 * neither a stack overflow nor work that grows with the square of the depth.
 */
describe('safetensors headers nested deeply', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'invertscope-nested-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, () => Buffer, RegExp][] = [
    [
      '__metadata__ holding arrays 5,000 deep',
      () => headerOnly(`{"__metadata__":{"a":${nestedJson(5_000, 'array')}}}`),
      /header: nests more than \d+ levels deep/,
    ],
    [
      '__metadata__ holding objects 20,000 deep',
      () => headerOnly(`{"__metadata__":{"a":${nestedJson(20_000, 'object')}}}`),
      /header: nests more than \d+ levels deep/,
    ],
    [
      'a tensor entry nested 200,000 deep',
      () => headerOnly(`{"1.weight":${nestedJson(200_000, 'mixed')}}`),
      /header: nests more than \d+ levels deep/,
    ],
    [
      'a metadata string holding JSON 100,000 deep',
      () =>
        safetensorsBytes(stateDictTensors(1), {
          'invertscope.format': 'checkpoint/1',
          'invertscope.architecture': nestedJson(100_000, 'array'),
          'invertscope.training': '{}',
        }),
      /invertscope\.architecture.*nests more than \d+ levels deep/,
    ],
  ];
  for (const [name, build, message] of cases) {
    it(`refuses ${name} in seconds, naming the file and field`, async () => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.safetensors`);
      writeFileSync(file, build());
      const result = await runCli(['import', file, '--runs', join(dir, 'runs')], { cwd: dir, timeoutMs: 15_000 });
      assert.equal(result.timedOut, false, `still running after 15 s (${name})`);
      assert.equal(result.status, 3, result.stderr);
      assert.match(result.stderr, message);
      assert.ok(result.stderr.includes(file), result.stderr);
      assert.equal(hasStackTrace(result.stderr), false, result.stderr);
      assert.ok(result.peakRss < 400 * 2 ** 20, `peak RSS ${result.peakRss} bytes`);
    });
  }
});
