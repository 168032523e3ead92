import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { table, wrapText } from '../../../src/cli/format';

describe('CLI tables', () => {
  it('narrows the widest text column to fit a width and wraps its cells, never a number', () => {
    const rows = [
      ['reconstruction float32', '|err| 1.23e-3, PSNR 45.2 dB, 0% broken, and a good deal more text', '12,345'],
      ['checkpoint', 'runs/20261130-0512-small-3f9a/checkpoints/epoch-0002.safetensors', '7'],
    ];
    const text = table(['', 'VALUE', 'N'], rows, { maxWidth: 60 });
    for (const line of text.split('\n')) assert.ok(line.length <= 60, `${line.length}: ${line}`);
    assert.match(text, /12,345/);
    assert.match(text, /runs\/ .*\n +20261130-0512-small-3f9a\/\n +checkpoints\//);
    assert.ok(text.split('\n').length > 3, 'cells wrapped');
  });

  it('leaves a table that fits as it was', () => {
    const rows = [
      ['a', '1'],
      ['bb', '22'],
    ];
    assert.equal(table(['K', 'V'], rows, { maxWidth: 80 }), table(['K', 'V'], rows));
  });

  it('wraps text at spaces and cuts long paths after a slash', () => {
    assert.deepEqual(wrapText('one two three four', 9), ['one two', 'three', 'four']);
    assert.deepEqual(wrapText('runs/abcdefgh/checkpoints/x.safetensors', 20), [
      'runs/abcdefgh/',
      'checkpoints/',
      'x.safetensors',
    ]);
    assert.deepEqual(wrapText('', 10), ['']);
  });
});
