import { ImportError } from './errors.js';

/**
 * Turns file bytes into Accord text: decoded (UTF-8, or UTF-16 with a byte-order mark), BOM stripped, line endings
 * normalised to LF, and otherwise unchanged. This is the only place text is normalised (docs/architecture.md, "Text
 * offsets": never again after import, it would shift offsets).
 */
export function decodeText(file: string, bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) {
    throw new ImportError(file, 'unsupported_encoding', 'UTF-32 text is not supported; save it as UTF-8');
  }
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  try {
    return normaliseText(new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new ImportError(
      file,
      'unsupported_encoding',
      encoding === 'utf-8'
        ? 'text is not valid UTF-8 (a legacy encoding such as Windows-1252?); save it as UTF-8 and try again'
        : `text is not valid ${encoding.toUpperCase()}`,
    );
  }
}

/** LF line endings (CRLF and lone CR both become LF) and no BOM; for pasted text and decoded files alike. */
export function normaliseText(text: string): string {
  const withoutBom = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return withoutBom.replace(/\r\n?/g, '\n');
}

/** A file name without its directory and extension, as a default transcript title. */
export function titleFromFileName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
