import { createHash } from 'node:crypto';

/**
 * GUIDs in a bundle are canonical: lower-case, no braces. Real REFI-QDA files use upper case, lower case and
 * `{braced}` forms, so every GUID read from a file goes through `canonicalGuid` before it is compared or stored.
 */
const GUID_PATTERN = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;
const CANONICAL_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The canonical form of a GUID in any of the spellings found in the wild, or null when it is not a GUID. */
export function canonicalGuid(raw: string): string | null {
  const match = GUID_PATTERN.exec(raw.trim());
  if (match === null) return null;
  const [, inner] = match;
  // A brace on one side only is a damaged value, not a spelling.
  if (raw.trim().startsWith('{') !== raw.trim().endsWith('}')) return null;
  return inner!.toLowerCase();
}

export function isCanonicalGuid(value: string): boolean {
  return CANONICAL_GUID.test(value);
}

/** Accord's namespace for name-based (version 5) UUIDs, fixed forever so exported GUIDs never change. */
const ACCORD_NAMESPACE = Buffer.from('6f0c2a5e8d7b4f1e9a3c5b2d7e1f4a60', 'hex');

/** RFC 9562 version 5 UUID of `name` in Accord's namespace. */
function uuidV5(name: string): string {
  const hash = createHash('sha1').update(ACCORD_NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The GUID that stands for an Accord id in exports. Ids that came from a REFI-QDA import are GUIDs already and are
 * kept as they are (so a project survives export, import, export with the same GUIDs); other ids map to a
 * name-based UUID, so repeated exports of one project are byte-stable.
 */
export function guidForId(id: string): string {
  return isCanonicalGuid(id) ? id : uuidV5(`id:${id}`);
}

/**
 * A GUID for something that Accord stores as part of another object (the selection around a coding, the note
 * holding a coding's memo): derived from the owner's GUID and the role, so it is stable too.
 */
export function derivedGuid(ownerGuid: string, role: string): string {
  return uuidV5(`${role}:${ownerGuid}`);
}
