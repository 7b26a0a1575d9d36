import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Copies of the third-party fixtures this suite reads (licences beside them, see `ORIGIN.md`). */
export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

export function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(`${FIXTURES}${path}`));
}

export function fixtureText(path: string): string {
  return readFileSync(`${FIXTURES}${path}`, 'utf8');
}
