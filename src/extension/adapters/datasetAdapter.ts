import { downloadMnist } from '../../core/data/downloadMnist';
import type { DatasetPort } from '../ports';

/** MNIST downloads through the core downloader (mirrors, SHA-256 checks, resumable transfers). */
export const mnistDataset: DatasetPort = {
  async downloadMnist(folder, onProgress, signal) {
    const result = await downloadMnist({ folder, onProgress, signal });
    return { folder: result.folder, files: result.files.map((f) => f.path) };
  },
};
