import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressBar } from '../../../src/cli/progressBar';
import { terminalScreen } from '../../helpers/terminalScreen';

function tty(columns = 100) {
  const writes: string[] = [];
  return {
    stream: {
      isTTY: true,
      columns,
      write: (t: string) => {
        writes.push(t);
      },
    },
    writes,
  };
}

describe('CLI progress bar', () => {
  it('shows the time left once there is progress to estimate it from', () => {
    const { stream, writes } = tty();
    let now = 0;
    const bar = new ProgressBar(stream, () => now);
    bar.update(0, 'epoch 1/4');
    assert.doesNotMatch(writes.join(''), /left/);
    now = 10_000;
    bar.update(0.25, 'epoch 1/4');
    assert.match(terminalScreen(writes).at(-1) ?? '', /25% · 30 s left · epoch 1\/4$/);
    now = 130_000;
    bar.update(0.5, 'epoch 2/4');
    assert.match(terminalScreen(writes).at(-1) ?? '', /50% · 2 min 10 s left · epoch 2\/4$/);
  });

  it('measures the rate from its first update, so resumed work does not look fast', () => {
    const { stream, writes } = tty();
    let now = 0;
    const bar = new ProgressBar(stream, () => now);
    bar.update(0.5, 'resumed');
    now = 10_000;
    bar.update(0.6, 'resumed');
    assert.match(terminalScreen(writes).at(-1) ?? '', /60% · 40 s left/);
  });

  it('leaves no bar behind: lines that stay replace it, and done() erases it', () => {
    const { stream, writes } = tty();
    let now = 0;
    const bar = new ProgressBar(stream, () => now);
    for (let step = 1; step <= 5; step++) {
      now += 1000;
      bar.update(step / 10, `step ${step}`);
    }
    bar.log('epoch 1/2  train 1 nats');
    bar.write('a warning from the child process\n');
    now += 1000;
    bar.update(0.9, 'step 9');
    bar.done();
    assert.deepEqual(terminalScreen(writes), ['epoch 1/2  train 1 nats', 'a warning from the child process', '']);
  });

  it('cuts its line to the terminal width, so it never wraps into lines it cannot redraw', () => {
    const { stream, writes } = tty(40);
    const bar = new ProgressBar(stream, () => 0);
    bar.update(0.5, 'a very long stage description that goes on and on');
    const [line] = terminalScreen(writes);
    assert.ok(Array.from(line).length <= 39, line);
    assert.match(line, /…$/);
  });

  it('writes nothing to a stream that is not a terminal', () => {
    const writes: string[] = [];
    const bar = new ProgressBar(
      {
        write: (t: string) => {
          writes.push(t);
        },
      },
      () => 0,
    );
    bar.update(0.5, 'x');
    bar.done();
    assert.deepEqual(writes, []);
  });
});
