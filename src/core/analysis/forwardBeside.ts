import { runKernelGroupsAlongsideAsync, type KernelCall } from '../linalg/kernelThreads';
import { openScratch } from '../linalg/linalgKernels';
import { rowChunks } from '../linalg/rowChunks';
import { sgemmWorkBytes } from './float32Product';
import { biasActivationCalls, float32ProductCalls, forwardRows } from './forward';
import type { InvertibleNetwork } from './network';

/**
 * Row groups of the pass. Each packs every layer's W into a work buffer of its own (2.5 MB at
 * n = 784: 4 groups hold 10 MB of kernel memory beside the 25 MB of 4,000 rows in and out), and
 * a dispatch of the caller's that starts while a helper runs one gets that helper only after it
 * (at n = 784 and 4,000 rows, about 0.1 s). Whichever no helper has started when `meanwhile`
 * ends, the calling thread runs.
 */
const GROUPS = 4;

/**
 * forwardRows(net, x, count, 'float32') on the helper thread while the
 * calling thread runs `meanwhile`, in the moments the helper would be idle
 * (the groups yield to the caller's own dispatches): for a pass whose result
 * is needed only later (the training images' embeddings of the generation
 * report), done while the calling thread runs JavaScript. The same
 * numbers as forwardRows: each row goes through the same kernels in the same
 * order, whatever group it is in. Each group takes its rows through every
 * layer, so the groups never wait for each other. A network with a diagonal
 * layer (a flow's kink layers, which forwardRows multiplies in JavaScript)
 * runs forwardRows after `meanwhile` instead.
 *
 * @example
 *   const { rows: embeddings, value: report } = await forwardRowsBeside(net, images, count, () => otherStages());
 */
export async function forwardRowsBeside<T>(
  net: InvertibleNetwork,
  x: Float32Array,
  count: number,
  meanwhile: () => Promise<T>,
): Promise<{ readonly rows: Float32Array; readonly value: T }> {
  const n = net.width;
  if (x.length !== count * n)
    throw new RangeError(`forwardRowsBeside: x must hold ${count}×${n} numbers, got ${x.length}`);
  if (count === 0 || net.layers.some((layer) => layer.diagonal)) {
    const value = await meanwhile();
    return { rows: forwardRows(net, x, count, 'float32'), value };
  }
  const s = openScratch();
  try {
    const buffers = [s.f32(count * n, false), s.f32(count * n, false)];
    s.float32(buffers[0], count * n).set(x);
    const layers = net.layers.map((layer) => {
      const weight = s.f32(n * n, false);
      const bias = s.f32(n, false);
      s.float32(weight, n * n).set(layer.weight);
      s.float32(bias, n).set(layer.bias);
      return { weight, bias, activation: layer.activation };
    });
    const groups = rowChunks(count, GROUPS, 1, Number.POSITIVE_INFINITY, 1).map(([r0, r1]) => {
      const work = s.bytes(sgemmWorkBytes(n, n), false);
      const calls: KernelCall[] = [];
      layers.forEach((layer, l) => {
        const input = buffers[l % 2];
        const output = buffers[1 - (l % 2)];
        const at = output + r0 * n * 4;
        calls.push(
          ...float32ProductCalls(n, layer.weight, input, output, r0, r1, work),
          ...biasActivationCalls('float32', at, r1 - r0, n, layer.bias, layer.activation, net.slope),
        );
      });
      return calls;
    });
    const value = await runKernelGroupsAlongsideAsync(groups, meanwhile, 'idle');
    return { rows: s.float32(buffers[layers.length % 2], count * n).slice(), value };
  } finally {
    s.release();
  }
}
