import mammoth from 'mammoth';
import { repackArchive } from './archive.js';
import { ImportError } from './errors.js';
import type { ImportLimits } from './limits.js';
import { normaliseText } from './text.js';
import { refuseEntityDeclarations } from './xml.js';

/**
 * Word documents through mammoth's raw-text extraction: one paragraph per Word paragraph, separated by a blank
 * line. mammoth reads the ZIP itself, so it is handed a copy that `archive.ts` has already bounded and checked, and
 * its XML parts are held to the same rule on entities as every XML Accord reads (`refuseEntityDeclarations`).
 */
export async function readDocx(file: string, bytes: Uint8Array, limits: ImportLimits): Promise<string> {
  const { archive, repacked: checked } = await repackArchive(file, bytes, limits);
  for (const path of archive.paths) {
    if (/\.(?:xml|rels)$/i.test(path)) {
      refuseEntityDeclarations(file, new TextDecoder().decode(archive.get(path)!), path);
    }
  }
  let raw: string;
  try {
    raw = (await mammoth.extractRawText({ buffer: Buffer.from(checked) })).value;
  } catch (error) {
    throw new ImportError(file, 'unsupported_format', `not a readable Word document (${(error as Error).message})`);
  }
  // Word ends documents with empty paragraphs; trailing blank lines carry no text and nothing can be coded there.
  return normaliseText(raw).trimEnd();
}
