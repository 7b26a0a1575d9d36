import { readFileSync } from 'node:fs';
import { codesMap, docName } from '@accord/shared';
import fc from 'fast-check';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codebookCsv } from '../../server/src/export/codebookDocs.js';
import { writeQdc, writeQdpx } from '../../server/src/export/refiQda.js';
import { ImportError } from '../../server/src/import/errors.js';
import { type ImportFile, type ImportKind, readImport } from '../../server/src/import/index.js';
import type { ImportLimits } from '../../server/src/import/limits.js';
import { sampleBundle } from '../../server/test/export/sampleBundle.js';
import { metadataOf } from '../helpers/metadata.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { fuzzParams } from './params.js';

/**
 * Every import format Accord accepts, fed damaged real files and random ones: reading either succeeds or throws the
 * import's own ImportError, with a message that names the file; never another exception, never a hang. The
 * functions are called directly for speed, and a few cases go through the real REST import, which must answer 201
 * or a 4xx (never a 5xx) and store nothing when it refuses.
 */

const FIXTURES = new URL('../fixtures/', import.meta.url);
const fixture = (path: string) => new Uint8Array(readFileSync(new URL(path, FIXTURES)));

/** Small limits, so that a case that inflates or reads up to them stays quick. */
const LIMITS: ImportLimits = {
  maxFileBytes: 4 * 1024 * 1024,
  maxDecompressedBytes: 16 * 1024 * 1024,
  maxArchiveEntries: 200,
};
/** Far above what any case takes on a busy machine, far below a hang. */
const CASE_MS = 5_000;

interface Seed {
  name: string;
  bytes: Uint8Array;
  kind?: ImportKind;
}

function seeds(): Seed[] {
  const bundle = sampleBundle();
  return [
    { name: 'transcript.txt', bytes: fixture('transcripts/qualcoder-examples/transcript.txt') },
    { name: 'P1.md', bytes: fixture('transcripts/pdpilot-user-study/P1.layout.txt').slice(0, 4000) },
    { name: 'ID1.docx', bytes: fixture('transcripts/qualcoder-examples/ID1.docx') },
    { name: 'ID2.odt', bytes: fixture('transcripts/qualcoder-examples/ID2.odt') },
    { name: 'zoom.vtt', bytes: fixture('transcripts/vtt/zoom_meeting001_transcript.vtt').slice(0, 6000) },
    {
      name: 'clip.srt',
      bytes: strToU8(
        '1\n00:00:01,000 --> 00:00:03,500\nInterviewer: How was it?\n\n2\n00:00:04,000 --> 00:00:06,000\n<i>P1:</i> Hard.\n',
      ),
    },
    { name: 'codebook.csv', bytes: strToU8(codebookCsv(bundle.codes)) },
    {
      name: 'attributes.csv',
      bytes: strToU8('participant;age group;site\nP1;30-39;Leeds\nP2;40-49;"York, North"\n'),
    },
    {
      name: 'codebook.md',
      bytes: strToU8('# Barriers\n- Cost: money\n  - Travel - distance\n# Enablers\n1. Family\n'),
      kind: 'codebookList',
    },
    { name: 'codebook.qdc', bytes: strToU8(writeQdc(bundle.codes)) },
    { name: 'sample.qdpx', bytes: new Uint8Array(writeQdpx(bundle)) },
    { name: 'atlas.qdpx', bytes: fixture('refi-qda/atlasti-23.2.3_codes-only.qdpx') },
  ];
}

const isZip = (name: string) => /\.(?:qdpx|docx|odt)$/.test(name);

/** What an XML-ish fragment may hold: the REFI-QDA and ODF vocabulary, entities, DOCTYPEs, CDATA, broken markup. */
const xmlFragment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '<Code guid="d1b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10" name="A" isCodable="true">',
    '</Code>',
    '<Codes>',
    '</Codes>',
    '<TextSource guid="a1b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10" name="S" plainTextPath="internal://%E0%A4%A.txt">',
    '<PlainTextSelection guid="b1b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10" startPosition="0" endPosition="99999999999">',
    '<Coding guid="c1b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10" creatingUser="{x}"><CodeRef targetGUID="zz"/></Coding>',
    '<PlainTextContent>text</PlainTextContent>',
    '<Note guid="e1b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10" plainTextPath="../../etc/passwd"/>',
    '<VariableValue><VariableRef targetGUID="f1b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10"/><TextValue>x</TextValue></VariableValue>',
    '<text:p>para<text:s text:c="99999999"/></text:p>',
    '<text:h>head</text:h>',
    '<!DOCTYPE x [<!ENTITY a "b">]>',
    '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">',
    '<![CDATA[ <not> & markup ]]>',
    '<!-- comment -->',
    '<?pi x?>',
    '&amp;',
    '&#x1F600;',
    '&#xD800;',
    '&bogus;',
    '<',
    '>',
    '"',
    '</',
    '<a b="1" b="2">',
  ),
  fc.string({ maxLength: 20 }),
);
const randomXml = fc.array(xmlFragment, { maxLength: 40 }).map((parts) => parts.join(''));

/** A few GUIDs that elements share, so that references between them resolve often enough to reach deep code. */
const GUIDS = [
  'a1b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10',
  'b2b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10',
  'c3b7a0c2-5f7e-4c55-9d0b-3f7c2a1e9b10',
  '{D4B7A0C2-5F7E-4C55-9D0B-3F7C2A1E9B10}',
];
const REFI_TAGS = [
  'Users',
  'User',
  'CodeBook',
  'Codes',
  'Code',
  'Description',
  'Notes',
  'Note',
  'PlainTextContent',
  'NoteRef',
  'Variables',
  'Variable',
  'Sources',
  'TextSource',
  'PictureSource',
  'PlainTextSelection',
  'Coding',
  'CodeRef',
  'VariableValue',
  'VariableRef',
  'TextValue',
  'IntegerValue',
  'BooleanValue',
  'Cases',
  'Case',
  'SourceRef',
  'Sets',
];
const REFI_ATTRIBUTES = [
  'guid',
  'name',
  'targetGUID',
  'creatingUser',
  'creationDateTime',
  'startPosition',
  'endPosition',
  'plainTextPath',
  'color',
  'isCodable',
  'typeOfVariable',
];
const ODF_TAGS = [
  'text:p',
  'text:h',
  'text:span',
  'text:s',
  'text:tab',
  'text:line-break',
  'text:list',
  'text:list-item',
  'text:note',
  'office:annotation',
  'text:section',
  'text:tracked-changes',
];
const ODF_ATTRIBUTES = ['text:c', 'text:style-name'];
const WORD_TAGS = ['w:p', 'w:r', 'w:t', 'w:tab', 'w:br', 'w:tbl', 'w:tr', 'w:tc', 'w:ins', 'w:del', 'w:hyperlink'];
const WORD_ATTRIBUTES = ['w:val', 'xml:space', 'r:id'];

const attributeValue = fc.oneof(
  fc.constantFrom(...GUIDS),
  fc.integer({ min: -3, max: 400 }).map(String),
  fc.constantFrom('99999999999', '1e3', ' 7 ', '', 'true', '#ff8800', 'red', '2024-02-30T25:00:00Z', '%E0%A4%A'),
  fc.constantFrom(...GUIDS).map((guid) => `internal://${guid}.txt`),
  fc.constantFrom('relative:///sources/', 'absolute:///etc/passwd', '../../x.txt'),
  fc.string({ maxLength: 12 }),
);

interface XmlNode {
  tag: string;
  attributes: [string, string][];
  children: (XmlNode | string)[];
}

/** Elements of one vocabulary, nested a few levels, with text between them. */
function xmlTree(tags: string[], attributes: string[]): fc.Arbitrary<XmlNode[]> {
  const { nodes } = fc.letrec<{ node: XmlNode; nodes: XmlNode[] }>((tie) => ({
    node: fc.record({
      tag: fc.constantFrom(...tags),
      attributes: fc.array(fc.tuple(fc.constantFrom(...attributes), attributeValue), { maxLength: 4 }),
      children: fc.array(
        fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.string({ maxLength: 16 }), tie('node')),
        {
          maxLength: 4,
        },
      ),
    }),
    nodes: fc.array(tie('node'), { maxLength: 5 }),
  }));
  return nodes;
}

const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;');

function serialise(nodes: readonly (XmlNode | string)[]): string {
  return nodes
    .map((node) => {
      if (typeof node === 'string') return escapeXml(node);
      const seen = new Set<string>();
      const attributes = node.attributes
        .filter(([name]) => !seen.has(name) && seen.add(name))
        .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
        .join('');
      return `<${node.tag}${attributes}>${serialise(node.children)}</${node.tag}>`;
    })
    .join('');
}

/** Well-formed documents of each XML format, in their real envelope, with random content. */
const structured = fc.oneof(
  xmlTree(REFI_TAGS, REFI_ATTRIBUTES).map((nodes) => ({
    name: 'random.qdc',
    bytes: strToU8(`<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">${serialise(nodes)}</CodeBook>`),
  })),
  fc.tuple(xmlTree(REFI_TAGS, REFI_ATTRIBUTES), fc.string({ maxLength: 40 })).map(([nodes, text]) => ({
    name: 'random.qdpx',
    bytes: zipSync({
      'project.qde': strToU8(
        `<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="R">${serialise(nodes)}</Project>`,
      ),
      ...Object.fromEntries(GUIDS.map((guid) => [`sources/${guid}.txt`, strToU8(`Interviewer: ${text}\nP1: yes`)])),
    }),
  })),
  xmlTree(ODF_TAGS, ODF_ATTRIBUTES).map((nodes) => ({
    name: 'random.odt',
    bytes: zipSync({
      'content.xml': strToU8(
        `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>${serialise(nodes)}</office:text></office:body></office:document-content>`,
      ),
    }),
  })),
  xmlTree(WORD_TAGS, WORD_ATTRIBUTES).map((nodes) => ({
    name: 'random.docx',
    bytes: zipSync({
      '[Content_Types].xml': strToU8(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
      '_rels/.rels': strToU8(
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      ),
      'word/document.xml': strToU8(
        `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>${serialise(nodes)}</w:body></w:document>`,
      ),
    }),
  })),
);

/**
 * A real document with some attribute values and texts replaced: every reference, position, GUID and path of a
 * REFI-QDA project gets to be wrong in turn, while the document stays well-formed.
 */
const ATTRIBUTE_OR_TEXT = /(\s[\w:]+=")([^"]*)(")|(>)([^<]+)(<)/g;
const tweaks = fc.array(fc.tuple(fc.nat(), attributeValue), { minLength: 1, maxLength: 6 });

function tweakXml(xml: string, changes: readonly [number, string][]): string {
  const count = [...xml.matchAll(ATTRIBUTE_OR_TEXT)].length;
  const replace = new Map(changes.map(([at, value]) => [at % Math.max(1, count), escapeXml(value)]));
  let index = 0;
  return xml.replace(ATTRIBUTE_OR_TEXT, (match, ...groups: (string | undefined)[]) => {
    const value = replace.get(index++);
    if (value === undefined) return match;
    return groups[0] !== undefined ? `${groups[0]}${value}${groups[2]}` : `${groups[3]}${value}${groups[5]}`;
  });
}

const tweaked = (bundleQdpx: Uint8Array, qdc: string) =>
  fc.oneof(
    tweaks.map((changes) => {
      const entries: Record<string, Uint8Array> = unzipSync(bundleQdpx);
      entries['project.qde'] = strToU8(tweakXml(strFromU8(entries['project.qde']!), changes));
      return { name: 'tweaked.qdpx', bytes: zipSync(entries) };
    }),
    tweaks.map((changes) => ({ name: 'tweaked.qdc', bytes: strToU8(tweakXml(qdc, changes)) })),
  );

/** One way to damage a file's bytes. */
type Mutation =
  | { kind: 'flip'; at: number; bit: number }[]
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

const byteMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.array(fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }), {
    minLength: 1,
    maxLength: 8,
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
);

function mutate(bytes: Uint8Array, mutation: Mutation): Uint8Array {
  if (bytes.length === 0) return bytes;
  if (Array.isArray(mutation)) {
    const copy = new Uint8Array(bytes);
    for (const { at, bit } of mutation) copy[at % copy.length]! ^= 1 << bit;
    return copy;
  }
  const at = mutation.at % (bytes.length + 1);
  if (mutation.kind === 'truncate') return bytes.slice(0, at);
  const out = new Uint8Array(bytes.length + mutation.bytes.length);
  out.set(bytes.subarray(0, at));
  out.set(mutation.bytes, at);
  out.set(bytes.subarray(at), at + mutation.bytes.length);
  return out;
}

/** A change to an archive's entries, rezipped: an entry added, removed, replaced by random XML, or damaged. */
type EntryChange =
  | { kind: 'add'; name: string; content: string }
  | { kind: 'remove'; index: number }
  | { kind: 'xml'; index: number; xml: string }
  | { kind: 'damage'; index: number; mutation: Mutation };

const entryChange: fc.Arbitrary<EntryChange> = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    name: fc.oneof(
      fc.constantFrom(
        'sources/extra.txt',
        'project.qde',
        'Other.qde',
        'content.xml',
        'word/document.xml',
        '../evil.txt',
        'dir/',
      ),
      fc.string({ minLength: 1, maxLength: 30 }),
    ),
    content: fc.oneof(randomXml, fc.string({ maxLength: 200 })),
  }),
  fc.record({ kind: fc.constant('remove' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('xml' as const), index: fc.nat(), xml: randomXml }),
  fc.record({ kind: fc.constant('damage' as const), index: fc.nat(), mutation: byteMutation }),
);

function changeEntries(bytes: Uint8Array, changes: EntryChange[], level: 0 | 6): Uint8Array {
  const entries: Record<string, Uint8Array> = unzipSync(bytes);
  for (const change of changes) {
    const names = Object.keys(entries);
    if (change.kind === 'add') {
      entries[change.name] = strToU8(change.content);
      continue;
    }
    const name = names[change.index % Math.max(1, names.length)];
    if (name === undefined) continue;
    if (change.kind === 'remove') delete entries[name];
    else if (change.kind === 'xml') entries[name] = strToU8(change.xml);
    else entries[name] = mutate(entries[name]!, change.mutation);
  }
  return zipSync(entries, { level });
}

/** A case: which seed, and what is done to it. */
const caseOf = (count: number) =>
  fc.record({
    seed: fc.nat({ max: count - 1 }),
    how: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('bytes' as const),
          mutations: fc.array(byteMutation, { minLength: 1, maxLength: 3 }),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('entries' as const),
          changes: fc.array(entryChange, { minLength: 1, maxLength: 3 }),
          level: fc.constantFrom(0 as const, 6 as const),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('xml' as const), xml: randomXml }) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 2048 }) }),
      },
    ),
  });
type Case = ReturnType<typeof caseOf> extends fc.Arbitrary<infer T> ? T : never;

function fileFor(all: readonly Seed[], { seed, how }: Case): ImportFile {
  const base = all[seed]!;
  let bytes: Uint8Array;
  switch (how.kind) {
    case 'bytes':
      bytes = how.mutations.reduce(mutate, base.bytes);
      break;
    case 'entries':
      // A file that is not a ZIP gets its bytes damaged instead.
      bytes = isZip(base.name)
        ? changeEntries(base.bytes, how.changes, how.level)
        : mutate(base.bytes, { kind: 'truncate', at: how.changes.length * 997 });
      break;
    case 'xml':
      bytes = strToU8(how.xml);
      break;
    case 'random':
      bytes = how.bytes;
      break;
  }
  const file: ImportFile = { name: base.name, bytes };
  if (base.kind !== undefined) file.kind = base.kind;
  return file;
}

/** Reads one file: it is read, or refused with an ImportError naming it, within CASE_MS. */
async function expectReadOrRefused(file: ImportFile): Promise<'read' | 'refused'> {
  const started = performance.now();
  let outcome: 'read' | 'refused';
  try {
    await readImport([file], { limits: LIMITS });
    outcome = 'read';
  } catch (error) {
    if (!(error instanceof ImportError)) {
      throw new Error(`${file.name}: ${String(error)} is not an ImportError`, { cause: error });
    }
    expect(error.message.startsWith(`${file.name}: `), error.message).toBe(true);
    expect(error.message.length).toBeGreaterThan(file.name.length + 2);
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.status).toBeLessThan(500);
    outcome = 'refused';
  }
  expect(performance.now() - started).toBeLessThan(CASE_MS);
  return outcome;
}

describe('every import format, damaged or random, is read or refused with an ImportError', () => {
  const all = seeds();

  it('the seeds themselves are read', async () => {
    for (const seed of all) {
      const file: ImportFile = { name: seed.name, bytes: seed.bytes };
      if (seed.kind !== undefined) file.kind = seed.kind;
      expect(await expectReadOrRefused(file), seed.name).toBe('read');
    }
  });

  it('damaged and random files', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(caseOf(all.length), async (c) => {
        await expectReadOrRefused(fileFor(all, c));
      }),
      fuzzParams(1500, 15_000),
    );
  });

  it('well-formed documents of every XML format with random content', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(structured, async (file) => {
        await expectReadOrRefused(file);
      }),
      fuzzParams(800, 8_000),
    );
  });

  it('real REFI-QDA documents with attribute values and texts replaced', { timeout: 60_000 }, async () => {
    const bundle = sampleBundle();
    await fc.assert(
      fc.asyncProperty(tweaked(new Uint8Array(writeQdpx(bundle)), writeQdc(bundle.codes)), async (file) => {
        await expectReadOrRefused(file);
      }),
      fuzzParams(800, 8_000),
    );
  });

  it('random bytes under every extension', { timeout: 30_000 }, async () => {
    const names = [...new Set(all.map((seed) => seed.name)), 'x.xlsx', 'noextension', '.qdpx'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.uint8Array({ maxLength: 512 }), async (name, bytes) => {
        await expectReadOrRefused({ name, bytes });
      }),
      fuzzParams(500, 5_000),
    );
  });
});

describe('through the real REST import: 201 or a 4xx, and nothing stored on a refusal', () => {
  let test: TestServer;
  let seeded: Awaited<ReturnType<typeof seedProject>>;
  beforeAll(async () => {
    test = await startTestServer();
    seeded = await seedProject(test);
  });
  afterAll(async () => {
    await test.close();
  });

  async function stored() {
    const codes = await test.server.ctx.sync.withDoc(
      docName({ kind: 'codebook', project: seeded.project.id }),
      (doc) => codesMap(doc).size,
    );
    const { transcripts, users } = await metadataOf(test.server.ctx);
    return { codes, transcripts: transcripts.length, users: users.length };
  }

  it('a sample of damaged files', { timeout: 60_000 }, async () => {
    const all = seeds();
    const owner = seeded.owner.client;
    const cases = fc.sample(caseOf(all.length), { seed: fuzzParams(0).seed, numRuns: 20 });
    for (const c of cases) {
      const file = fileFor(all, c);
      const before = await stored();
      const kind = file.kind === undefined ? '' : `&kind=${file.kind}`;
      const uploaded = await fetch(
        `${test.url}/api/projects/${seeded.project.id}/import/files?name=${encodeURIComponent(file.name)}${kind}`,
        {
          method: 'POST',
          headers: {
            cookie: owner.cookie!,
            'x-csrf-token': owner.csrfToken!,
            'content-type': 'application/octet-stream',
          },
          body: Buffer.from(file.bytes),
        },
      );
      const body = (await uploaded.json()) as { upload?: { id: string }; error?: { message: string } };
      expect([201, 400, 413, 415], `${file.name}: ${JSON.stringify(body)}`).toContain(uploaded.status);
      if (uploaded.status !== 201) {
        expect(body.error?.message).toMatch(new RegExp(`^${file.name.replace('.', '\\.')}: `));
        expect(await stored()).toEqual(before);
        continue;
      }
      const confirmed = await owner.post(`/api/projects/${seeded.project.id}/import`, { uploads: [body.upload!.id] });
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBeLessThan(500);
      if (confirmed.status !== 201) expect(await stored()).toEqual(before);
    }
  });
});
