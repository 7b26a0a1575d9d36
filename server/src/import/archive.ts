import { type UnzipFileInfo, unzipSync, zipSync } from 'fflate';
import { ImportError } from './errors.js';
import { formatBytes, type ImportLimits } from './limits.js';

/**
 * Reads ZIP-based files (qdpx, docx, odt) in memory, never on disk, so no entry name can write outside anything.
 * Names that would escape the archive (`../`, absolute, drive letters) are refused rather than skipped: such a
 * file was crafted, not exported. The decompressed size is capped by the sizes the central directory declares,
 * which fflate also uses as the output size (it never writes past them), so a zip bomb cannot grow memory.
 */
export interface Archive {
  /** Entry paths as stored, with `/` separators; directories are left out. */
  readonly paths: readonly string[];
  /** An entry by path, compared case-insensitively (real exports vary the case of `sources/`). */
  get(path: string): Uint8Array | undefined;
}

export function readArchive(file: string, bytes: Uint8Array, limits: ImportLimits): Archive {
  let total = 0;
  let entries = 0;
  const checkEntry = (info: UnzipFileInfo): boolean => {
    entries += 1;
    if (entries > limits.maxArchiveEntries) {
      throw new ImportError(file, 'too_large', `archive has more than ${limits.maxArchiveEntries} entries`);
    }
    assertSafePath(file, info.name);
    if (info.name.endsWith('/')) return false;
    total += info.originalSize;
    if (total > limits.maxDecompressedBytes) {
      throw new ImportError(
        file,
        'too_large',
        `archive decompresses to more than ${formatBytes(limits.maxDecompressedBytes)}`,
      );
    }
    return true;
  };
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(bytes, { filter: checkEntry });
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(file, 'corrupt_archive', `not a readable ZIP archive (${(error as Error).message})`);
  }
  const byLowerPath = new Map<string, Uint8Array>();
  const paths: string[] = [];
  for (const [name, content] of Object.entries(unzipped)) {
    const path = name.replaceAll('\\', '/');
    paths.push(path);
    byLowerPath.set(path.toLowerCase(), content);
  }
  return { paths, get: (path) => byLowerPath.get(path.replaceAll('\\', '/').toLowerCase()) };
}

/**
 * The archive again, stored without compression, for libraries that read ZIPs themselves (mammoth): they then
 * only ever see entries this module has already bounded and checked.
 */
export function repackArchive(file: string, bytes: Uint8Array, limits: ImportLimits): Uint8Array {
  const archive = readArchive(file, bytes, limits);
  const entries: Record<string, Uint8Array> = {};
  for (const path of archive.paths) entries[path] = archive.get(path)!;
  return zipSync(entries, { level: 0 });
}

function assertSafePath(file: string, name: string): void {
  const path = name.replaceAll('\\', '/');
  const escapes =
    path.startsWith('/') || /^[a-zA-Z]:/.test(path) || path.split('/').some((segment) => segment === '..');
  if (escapes || path.includes('\0')) {
    throw new ImportError(file, 'unsafe_path', `archive entry "${name}" points outside the archive`);
  }
}
