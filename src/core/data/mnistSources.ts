/** One file to fetch: its name under each mirror, its SHA-256 and, when known, its size. */
export interface DownloadFile {
  readonly name: string;
  /** 64 lowercase hex digits. */
  readonly sha256: string;
  /** Used for progress when the server sends no length. */
  readonly bytes?: number;
}

/**
 * Where the official MNIST files are served, tried in order. The first two are the
 * mirrors PyTorch and TensorFlow download from; LeCun's page is the original and
 * often refuses automated requests, so it comes last.
 */
export const MNIST_MIRRORS: readonly string[] = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
  'https://yann.lecun.com/exdb/mnist/',
];

/**
 * The four official MNIST archives. Sizes and SHA-256 sums as recorded by
 * TensorFlow Datasets (tensorflow_datasets/url_checksums/mnist.txt) and quoted
 * identically by many independent loaders; sizes match LeCun's page.
 */
export const MNIST_DOWNLOAD_FILES: readonly DownloadFile[] = [
  {
    name: 'train-images-idx3-ubyte.gz',
    bytes: 9_912_422,
    sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
  },
  {
    name: 'train-labels-idx1-ubyte.gz',
    bytes: 28_881,
    sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
  },
  {
    name: 't10k-images-idx3-ubyte.gz',
    bytes: 1_648_877,
    sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
  },
  {
    name: 't10k-labels-idx1-ubyte.gz',
    bytes: 4_542,
    sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
  },
];
