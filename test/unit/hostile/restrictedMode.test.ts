import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { RunStore } from '../../../src/core/store/runStore';
import { openRunStore } from '../../../src/extension/adapters/runStoreAdapter';
import { requireTrustToImport, UntrustedWorkspaceError } from '../../../src/extension/trust';
import { firstSegmentBelow, isInsideFolder } from '../../../src/extension/util/paths';
import { dataInfo, smallModel, trainConfig } from '../store/storeTestUtils';

/** Every file and folder below `root` with its bytes' hash: equal means nothing was written, renamed or deleted. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        out[`${relative(root, path)}/`] = '';
        walk(path);
      } else {
        out[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
      }
    }
  };
  walk(root);
  return out;
}

describe('Restricted Mode', () => {
  describe('the inside-the-workspace test', () => {
    it('is not fooled by a folder whose name starts with ".."', () => {
      assert.equal(isInsideFolder('/ws/..models/a.safetensors', '/ws'), true);
      assert.equal(isInsideFolder('/ws/...', '/ws'), true);
      assert.equal(isInsideFolder('/ws/../ws2/a', '/ws'), false);
      assert.throws(() => requireTrustToImport(false, '/ws/..models/a.safetensors', ['/ws']), UntrustedWorkspaceError);
      assert.deepEqual(firstSegmentBelow('/runs/..x/run.json', '/runs'), { segment: '..x', rest: 'run.json' });
      assert.equal(firstSegmentBelow('/runs/../x', '/runs'), null);
    });
  });

  describe('the run store of an untrusted workspace', () => {
    let dir = '';
    let runs = '';
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'invertscope-restricted-'));
      runs = join(dir, 'runs');
      const store = new RunStore(runs);
      const { arch } = smallModel(3);
      // A run whose trainer is gone (it says running, with a pid that cannot exist), a staging folder from
      // an interrupted creation, and a temporary file: what activation would reconcile and remove.
      const stale = await store.createRun(trainConfig(arch), dataInfo(), null, {
        process: {
          pid: 2 ** 31 - 2,
          hostname: (await import('node:os')).hostname(),
          startedAt: '2026-01-01T00:00:00.000Z',
        },
      });
      const staging = join(runs, '.staging-0123456789ab');
      mkdirSync(staging);
      const old = new Date(Date.now() - 3 * 3600_000);
      utimesSync(staging, old, old);
      const temp = join(runs, stale, '.run.json.0123456789ab.tmp');
      writeFileSync(temp, 'x');
      utimesSync(temp, old, old);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reconciles nothing and deletes nothing: the runs folder is left byte for byte', async () => {
      const before = tree(runs);
      const port = openRunStore(runs, { isTrusted: () => false });
      assert.deepEqual(await port.reconcileStaleRuns(), []);
      const [id] = (await port.listRuns()).runs.map((r) => r.id);
      await assert.rejects(
        port.deleteRun(id),
        (e: unknown) => e instanceof UntrustedWorkspaceError && /Restricted Mode/.test(e.message),
      );
      assert.deepEqual(tree(runs), before);
    });

    it('does its housekeeping once the workspace is trusted', async () => {
      let trusted = false;
      const port = openRunStore(runs, { isTrusted: () => trusted });
      assert.deepEqual(await port.reconcileStaleRuns(), []);
      trusted = true;
      assert.equal((await port.reconcileStaleRuns()).length, 1);
      assert.deepEqual(
        readdirSync(runs).filter((n) => n.startsWith('.staging-')),
        [],
      );
    });
  });
});
