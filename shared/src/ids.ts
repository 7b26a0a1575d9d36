/**
 * Identifiers that end up in document names, URLs and file names. A fixed alphabet and length keep every name
 * the server builds safe to use as a path segment.
 */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random id of 16 characters from a 36-letter alphabet (~82 bits). */
export function newId(length = 16): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
