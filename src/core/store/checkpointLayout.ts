import { describeArchitecture, sequentialIndices, type Architecture } from '../model/architecture';
import type { ModelParams } from '../model/params';
import { badInput, corrupt, show } from './storeErrors';
import type { Tensor } from './safetensors/dtypes';

/** PyTorch's state_dict names for each Linear layer of the nn.Sequential an architecture stands for. */
function layerTensorNames(arch: Architecture): { weight: string; bias: string }[] {
  return sequentialIndices(arch).map((index) => ({ weight: `${index}.weight`, bias: `${index}.bias` }));
}

/**
 * ModelParams as float32 tensors named like PyTorch's state_dict, each name with
 * `suffix` appended (the optimizer sidecar uses ".exp_avg" and ".exp_avg_sq").
 * The arrays are shared, not copied.
 */
export function paramsToTensors(
  arch: Architecture,
  params: ModelParams,
  target: string,
  suffix = '',
): Map<string, Tensor> {
  const n = arch.width;
  const names = layerTensorNames(arch);
  if (params.weights.length !== names.length || params.biases.length !== names.length) {
    throw badInput(
      target,
      `parameters${suffix}`,
      `${describeArchitecture(arch)} has ${names.length} layers, got ${params.weights.length} weights and ${params.biases.length} biases`,
    );
  }
  const tensors = new Map<string, Tensor>();
  names.forEach(({ weight, bias }, l) => {
    const w = params.weights[l],
      b = params.biases[l];
    if (!(w instanceof Float32Array) || w.length !== n * n) {
      throw badInput(
        target,
        `${weight}${suffix}`,
        `must be a Float32Array of ${n}×${n} = ${n * n} values, got ${w?.constructor?.name} of ${w?.length}`,
      );
    }
    if (!(b instanceof Float32Array) || b.length !== n) {
      throw badInput(
        target,
        `${bias}${suffix}`,
        `must be a Float32Array of ${n} values, got ${b?.constructor?.name} of ${b?.length}`,
      );
    }
    tensors.set(`${weight}${suffix}`, { dtype: 'F32', shape: [n, n], data: w });
    tensors.set(`${bias}${suffix}`, { dtype: 'F32', shape: [n], data: b });
  });
  return tensors;
}

/**
 * The inverse of paramsToTensors, checking that the file holds exactly the
 * tensors the architecture needs: each present, float32, of the right shape, and
 * nothing else (a leftover tensor means the file and architecture disagree).
 */
export function tensorsToParams(
  arch: Architecture,
  tensors: ReadonlyMap<string, Tensor>,
  file: string,
  suffix = '',
): ModelParams {
  const n = arch.width;
  const names = layerTensorNames(arch);
  const expected = new Set(names.flatMap(({ weight, bias }) => [`${weight}${suffix}`, `${bias}${suffix}`]));
  const needs = `${describeArchitecture(arch)} needs ${[...expected].join(', ')}`;
  const take = (name: string, shape: readonly number[]): Float32Array => {
    const tensor = tensors.get(name);
    if (!tensor) throw corrupt(file, `tensor ${show(name)}`, `is missing; ${needs}`);
    if (tensor.dtype !== 'F32')
      throw corrupt(file, `tensor ${show(name)}.dtype`, `must be F32, got ${tensor.dtype}`, tensor.dtype);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw corrupt(
        file,
        `tensor ${show(name)}.shape`,
        `is ${show(tensor.shape)}, expected ${show(shape)} for ${describeArchitecture(arch)}`,
        tensor.shape,
      );
    }
    return tensor.data as Float32Array;
  };
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (const { weight, bias } of names) {
    weights.push(take(`${weight}${suffix}`, [n, n]));
    biases.push(take(`${bias}${suffix}`, [n]));
  }
  for (const name of tensors.keys()) {
    if (!expected.has(name))
      throw corrupt(file, `tensor ${show(name)}`, `is not part of the architecture; ${needs}`, name);
  }
  return { weights, biases };
}
