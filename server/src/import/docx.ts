import mammoth from 'mammoth';
import { repackArchive } from './archive.js';
import { ImportError } from './errors.js';
import type { ImportLimits } from './limits.js';
import { normaliseText } from './text.js';

/**
 * Word documents through mammoth's raw-text extraction: one paragraph per Word paragraph, separated by a blank
 * line. mammoth reads the ZIP itself, so it is handed a copy that `archive.ts` has already bounded and checked.
 */
export async function readDocx(file: string, bytes: Uint8Array, limits: ImportLimits): Promise<string> {
  const checked = repackArchive(file, bytes, limits);
  let raw: string;
  try {
    raw = (await mammoth.extractRawText({ buffer: Buffer.from(checked) })).value;
  } catch (error) {
    throw new ImportError(file, 'unsupported_format', `not a readable Word document (${(error as Error).message})`);
  }
  // Word ends documents with empty paragraphs; trailing blank lines carry no text and nothing can be coded there.
  return normaliseText(raw).trimEnd();
}
