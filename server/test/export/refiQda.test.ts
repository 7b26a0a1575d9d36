import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { projectXml, writeQdc, writeQdpx } from '../../src/export/refiQda.js';
import { DEFAULT_LIMITS } from '../../src/import/limits.js';
import { readQdc, readQdpx } from '../../src/import/refiQda.js';
import { CODES, sampleBundle } from './sampleBundle.js';

describe('writeQdpx', () => {
  const bundle = sampleBundle();
  const qdpx = writeQdpx(bundle);
  const entries = unzipSync(qdpx);

  it('holds project.qde and one LF, BOM-less UTF-8 source per transcript', () => {
    expect(Object.keys(entries)).toEqual([
      'project.qde',
      'sources/bbbbbbbb-0000-4000-8000-000000000001.txt',
      'sources/bbbbbbbb-0000-4000-8000-000000000002.txt',
    ]);
    const source = entries['sources/bbbbbbbb-0000-4000-8000-000000000001.txt']!;
    expect(source[0]).not.toBe(0xef);
    expect(strFromU8(source)).toBe(bundle.transcripts[0]!.text);
  });

  it('is byte-stable across exports', () => {
    expect(Buffer.from(writeQdpx(sampleBundle())).equals(Buffer.from(qdpx))).toBe(true);
  });

  it('counts positions in code points', () => {
    const xml = strFromU8(entries['project.qde']!);
    const text = bundle.transcripts[0]!.text;
    const start = text.indexOf('people talk');
    // One emoji (two UTF-16 units, one code point) precedes the coding.
    expect(xml).toContain(`startPosition="${start - 1}" endPosition="${start - 1 + 11}"`);
  });

  it('writes every coder with creatingUser and memos as notes', () => {
    const xml = projectXml(bundle);
    expect(xml.match(/<Coding guid="[^"]+" creatingUser="/g)).toHaveLength(5);
    expect(xml).toContain('<PlainTextContent>Clear case.\nSee also P3.</PlainTextContent>');
    expect(xml).toContain('name="Cost &amp; money"');
    expect(xml).toContain('<Description>Anything that keeps people from seeking help.\n\nInclusion criteria:\nNamed');
  });

  it('reads back to the same bundle', async () => {
    const { bundle: read, warnings } = await readQdpx('x.qdpx', qdpx, DEFAULT_LIMITS);
    expect(warnings).toEqual([]);
    expect(read).toEqual(bundle);
  });
});

describe('writeQdc', () => {
  it('reads back to the same codes', () => {
    const codes = sampleBundle().codes;
    const qdc = writeQdc(codes);
    expect(qdc).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"/);
    expect(readQdc('x.qdc', Buffer.from(qdc), DEFAULT_LIMITS)).toEqual(codes);
    expect(qdc.indexOf(CODES.stigma)).toBeGreaterThan(qdc.indexOf(CODES.barriers));
  });
});
