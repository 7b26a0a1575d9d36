import { ImportError } from './errors.js';

/** Bounds on what one import may read, so an upload cannot exhaust memory (zip bombs included). */
export interface ImportLimits {
  /** Largest file accepted, as uploaded. */
  maxFileBytes: number;
  /** Largest total of decompressed bytes read out of one archive (docx, odt, qdpx). */
  maxDecompressedBytes: number;
  /** Most entries one archive may hold. */
  maxArchiveEntries: number;
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxDecompressedBytes: 512 * 1024 * 1024,
  maxArchiveEntries: 20_000,
};

export function checkFileSize(file: string, bytes: Uint8Array, limits: ImportLimits): void {
  if (bytes.byteLength > limits.maxFileBytes) {
    throw new ImportError(
      file,
      'too_large',
      `file is ${formatBytes(bytes.byteLength)}, over the limit of ${formatBytes(limits.maxFileBytes)}`,
    );
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
