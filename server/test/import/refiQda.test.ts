import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../src/import/errors.js';
import { DEFAULT_LIMITS } from '../../src/import/limits.js';
import { readQdc, readQdpx } from '../../src/import/refiQda.js';
import { fixture } from './fixtures.js';

const U1 = '088B08AC-D5CD-4ADB-8B71-B4F3459C177F';
const U2 = 'c32a2bd5-537f-4838-8b17-df9efbafdf4b';
const CODE = 'A182CD3A-D83C-4D8C-BC80-26D9103EC6D6';
const SOURCE = '5B3C61D2-9A5E-4C39-9E0B-3B6A2D6E7F10';

function qdpx(files: Record<string, string | Uint8Array>, level: 0 | 6 = 6): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(files))
    entries[name] = typeof content === 'string' ? strToU8(content) : content;
  return zipSync(entries, { level });
}

function project(sources: string, { namespace = 'urn:QDA-XML:project:1.0', codes = '' } = {}): string {
  return `<?xml version="1.0" encoding="utf-8" standalone="no"?><Project xmlns="${namespace}" name="P"><Users><User guid="${U1}" name="Enric"/><User guid="{${U2.toUpperCase()}}" name="Second"/></Users><CodeBook><Codes><Code guid="{${CODE}}" name="Commits" isCodable="true" color="#F0A">${codes}</Code></Codes></CodeBook><Sources>${sources}</Sources></Project>`;
}

function codingXml(user: string): string {
  return `<Coding guid="${crypto.randomUUID()}" creatingUser="${user}"><CodeRef targetGUID="${CODE.toLowerCase()}"/></Coding>`;
}

function sel(start: number, end: number, name: string | undefined, users = [U1]): string {
  const nameAttribute = name === undefined ? '' : ` name="${name}"`;
  return `<PlainTextSelection guid="${crypto.randomUUID()}"${nameAttribute} startPosition="${start}" endPosition="${end}">${users.map(codingXml).join('')}</PlainTextSelection>`;
}

function source(selections: string, path = `internal://${SOURCE}.txt`): string {
  return `<TextSource guid="${SOURCE}" name="Interview 1" plainTextPath="${path}" richTextPath="internal://${SOURCE}.docx">${selections}</TextSource>`;
}

const read = (bytes: Uint8Array, limits = DEFAULT_LIMITS) => readQdpx('in.qdpx', bytes, limits);
const codedTexts = async (bytes: Uint8Array) => {
  const { bundle } = await read(bytes);
  const transcript = bundle.transcripts[0]!;
  return transcript.layers.flatMap((layer) => layer.codings.map((c) => transcript.text.slice(c.start, c.end)));
};

describe('readQdpx on ATLAS.ti exports', () => {
  it('a blank project: its users', async () => {
    const { bundle } = await read(fixture('refi-qda/atlasti-23.2.3_blank.qdpx'));
    expect(bundle.name).toBe('blank-atlas-project');
    expect(bundle.users).toEqual([
      { guid: '088b08ac-d5cd-4adb-8b71-b4f3459c177f', name: 'Enric Llagostera' },
      { guid: 'c32a2bd5-537f-4838-8b17-df9efbafdf4b', name: 'ATLAS.ti' },
    ]);
    expect(bundle.codes).toEqual([]);
  });

  it('codes only: nested codes with their parents', async () => {
    const { bundle } = await read(fixture('refi-qda/atlasti-23.2.3_codes-only.qdpx'));
    expect(bundle.users).toHaveLength(2);
    expect(bundle.codes.map((c) => [c.name, c.parentGuid])).toEqual([
      ['Commits', null],
      ['2022-05-10T02:05:59Z 19e4dce', 'a182cd3a-d83c-4d8c-bc80-26d9103ec6d6'],
      ['2022-02-11T10:39:25Z cdbfd92', 'a182cd3a-d83c-4d8c-bc80-26d9103ec6d6'],
    ]);
  });
});

describe('readQdpx tolerates the quirks of real files', () => {
  const text = 'Line one\r\nSmile 😀 here\r\nEnd';

  it.each([
    ['code points, CRLF as two (the specification)', [10, 15, 18, 22], 'raw'],
    ['CRLF counted as one', [9, 14, 17, 21], 'raw'],
    ['UTF-16 units', [10, 15, 19, 23], 'raw'],
    ['a BOM counted as a character', [11, 16, 19, 23], 'bom'],
    ['a BOM not counted', [10, 15, 18, 22], 'bom'],
  ])('%s', async (_name, [s1, e1, s2, e2], variant) => {
    const sourceBytes = variant === 'bom' ? strToU8(`\uFEFF${text}`) : strToU8(text);
    const file = qdpx({
      'project.qde': project(source(sel(s1!, e1!, 'Smile') + sel(s2!, e2!, 'here'))),
      [`sources/${SOURCE}.txt`]: sourceBytes,
    });
    expect(await codedTexts(file)).toEqual(['Smile', 'here']);
    expect((await read(file)).bundle.transcripts[0]!.text).toBe('Line one\nSmile 😀 here\nEnd');
  });

  it('names, paths, namespaces and GUID spellings', async () => {
    const file = qdpx(
      {
        'My Project.qde': project(
          source(sel(0, 4, undefined, [`{${U2.toUpperCase()}}`]), `absolute:///C:/Users/x/${SOURCE}.txt`),
          {
            namespace: 'urn:QDA-XML:project:1:0',
            codes: `<Code guid="${crypto.randomUUID().toUpperCase()}" name="Child" isCodable="true"/>`,
          },
        ),
        'Sources/.root': '',
        [`Sources/${SOURCE.toLowerCase()}.TXT`]: 'Line one',
      },
      0,
    );
    const { bundle } = await read(file);
    expect(bundle.codes.map((c) => [c.name, c.colour])).toEqual([
      ['Commits', '#ff00aa'],
      ['Child', null],
    ]);
    expect(bundle.codes[1]!.parentGuid).toBe(CODE.toLowerCase());
    const transcript = bundle.transcripts[0]!;
    expect(transcript.guid).toBe(SOURCE.toLowerCase());
    expect(transcript.layers).toEqual([{ userGuid: U2, codings: [expect.objectContaining({ start: 0, end: 4 })] }]);
  });

  it.each([['relative:///sources/'], ['']])('source path %s<name>', async (prefix) => {
    const file = qdpx({
      'project.qde': project(source(sel(0, 4, 'Line'), `${prefix}${SOURCE}.txt`)),
      [`sources/${SOURCE}.txt`]: 'Line one',
    });
    expect(await codedTexts(file)).toEqual(['Line']);
  });

  it('inline PlainTextContent and namespace 0:10', async () => {
    const inline = `<TextSource guid="${SOURCE}" name="Inline"><PlainTextContent>Hello &amp; bye</PlainTextContent>${sel(0, 7, 'Hello &amp;')}</TextSource>`;
    const file = qdpx({ 'project.qde': project(inline, { namespace: 'urn:QDA-XML:project:0:10' }) });
    expect(await codedTexts(file)).toEqual(['Hello &']);
  });

  it('several coders on one span: one selection with several codings, or several selections', async () => {
    const file = qdpx({
      'project.qde': project(source(sel(0, 4, 'Line', [U1, U2]) + sel(5, 8, 'one', [U2]))),
      [`sources/${SOURCE}.txt`]: 'Line one',
    });
    const { bundle } = await read(file);
    const layers = bundle.transcripts[0]!.layers.map((l) => [l.userGuid, l.codings.map((c) => [c.start, c.end])]);
    expect(layers).toEqual([
      [U1.toLowerCase(), [[0, 4]]],
      [
        U2,
        [
          [0, 4],
          [5, 8],
        ],
      ],
    ]);
  });

  it('coding memos, notes on codes and sources, cases and variables', async () => {
    const variable = 'e0000000-0000-4000-8000-000000000001';
    const xml = `<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="P"><Users><User guid="${U1}" name="A"/></Users>
<CodeBook><Codes><Code guid="${CODE}" name="C" isCodable="true"><Description>Def</Description><NoteRef targetGUID="f0000000-0000-4000-8000-000000000002"/></Code></Codes></CodeBook>
<Variables><Variable guid="${variable}" name="Age" typeOfVariable="Integer"/></Variables>
<Cases><Case guid="e0000000-0000-4000-8000-000000000009" name="P7"><VariableValue><VariableRef targetGUID="${variable}"/><IntegerValue>42</IntegerValue></VariableValue><SourceRef targetGUID="${SOURCE}"/></Case></Cases>
<Sources><TextSource guid="${SOURCE}" name="S" plainTextPath="internal://${SOURCE}.txt"><PlainTextSelection guid="${crypto.randomUUID()}" startPosition="0" endPosition="4"><Coding guid="${crypto.randomUUID()}" creatingUser="${U1}" creationDateTime="2023-08-16T15:14:29Z"><CodeRef targetGUID="${CODE}"/><NoteRef targetGUID="f0000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection><NoteRef targetGUID="f0000000-0000-4000-8000-000000000003"/></TextSource></Sources>
<Notes><Note guid="f0000000-0000-4000-8000-000000000001" name="n1"><PlainTextContent>Coding memo</PlainTextContent></Note><Note guid="f0000000-0000-4000-8000-000000000002" name="On C"><PlainTextContent>Code memo</PlainTextContent></Note><Note guid="f0000000-0000-4000-8000-000000000003" name="On S"><PlainTextContent>Source memo</PlainTextContent></Note><Note guid="f0000000-0000-4000-8000-000000000004" name="Loose"><PlainTextContent>Project memo</PlainTextContent></Note></Notes></Project>`;
    const { bundle } = await read(qdpx({ 'project.qde': xml, [`sources/${SOURCE}.txt`]: 'Line one' }));
    const transcript = bundle.transcripts[0]!;
    expect(transcript.participant).toBe('P7');
    expect(transcript.attributes).toEqual({ Age: '42' });
    expect(transcript.layers[0]!.codings[0]).toMatchObject({
      memo: 'Coding memo',
      createdAt: Date.parse('2023-08-16T15:14:29Z'),
    });
    expect(bundle.memos.map((m) => [m.text, m.about?.kind ?? null])).toEqual([
      ['Code memo', 'code'],
      ['Source memo', 'transcript'],
      ['Project memo', null],
    ]);
  });

  it('detects speaker turns in imported sources', async () => {
    const file = qdpx({
      'project.qde': project(source('')),
      [`sources/${SOURCE}.txt`]: 'Interviewer: hi\r\nP1: hello\r\n',
    });
    expect((await read(file)).bundle.transcripts[0]!.turns).toEqual([
      { start: 0, speaker: 'Interviewer' },
      { start: 16, speaker: 'P1' },
    ]);
  });
});

describe('readQdpx refuses bad input with the file and the problem', () => {
  const good = { [`sources/${SOURCE}.txt`]: 'Line one' };
  it.each([
    ['a corrupt zip', strToU8('PK\u0003\u0004 not really'), 'corrupt_archive', /in\.qdpx: not a readable ZIP archive/],
    ['no project file', qdpx({ 'readme.txt': 'hi' }), 'not_refi_qda', /no \.qde project file/],
    [
      'XML that is not REFI-QDA',
      qdpx({ 'project.qde': '<html><body/></html>' }),
      'not_refi_qda',
      /not a REFI-QDA project/,
    ],
    [
      'a foreign namespace',
      qdpx({ 'project.qde': '<Project xmlns="urn:other" name="x"/>' }),
      'not_refi_qda',
      /not a REFI-QDA project/,
    ],
    [
      'malformed XML',
      qdpx({ 'project.qde': '<Project xmlns="urn:QDA-XML:project:1.0"><Users>' }),
      'bad_xml',
      /not well-formed XML/,
    ],
    [
      'a selection outside its source',
      qdpx({ 'project.qde': project(source(sel(2, 99, undefined))), ...good }),
      'selection_outside_source',
      /\[2, 99\) is outside source "Interview 1" \(8 characters\)/,
    ],
    [
      'a negative position',
      qdpx({ 'project.qde': project(source(sel(-1, 3, undefined))), ...good }),
      'selection_outside_source',
      /outside source/,
    ],
    [
      'a missing source file',
      qdpx({ 'project.qde': project(source(sel(0, 3, undefined))) }),
      'missing_source',
      /source "Interview 1" refers to "internal:\/\/.*", which is not in the archive/,
    ],
    [
      'an unknown code',
      qdpx({
        'project.qde': project(source(sel(0, 3, undefined))).replaceAll(
          `targetGUID="${CODE.toLowerCase()}"`,
          `targetGUID="${U1}"`,
        ),
        ...good,
      }),
      'unknown_reference',
      /refers to code 088b08ac/,
    ],
    [
      'an entry escaping the archive',
      qdpx({ 'project.qde': project(''), '../../etc/evil.txt': 'x' }),
      'unsafe_path',
      /archive entry "\.\.\/\.\.\/etc\/evil\.txt" points outside the archive/,
    ],
    ['an absolute entry', qdpx({ 'project.qde': project(''), '/etc/evil.txt': 'x' }), 'unsafe_path', /points outside/],
    [
      'a bad GUID',
      qdpx({ 'project.qde': project('').replace(U1, 'not-a-guid') }),
      'not_refi_qda',
      /invalid GUID "not-a-guid"/,
    ],
  ])('%s', async (_name, bytes, code, message) => {
    let error: unknown;
    try {
      await read(bytes);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code, file: 'in.qdpx' });
    expect((error as Error).message).toMatch(message);
  });

  it('caps the decompressed size (zip bombs)', async () => {
    const bomb = qdpx({ 'project.qde': project(''), 'sources/big.txt': 'a'.repeat(5_000_000) });
    expect(bomb.byteLength).toBeLessThan(20_000);
    await expect(read(bomb, { ...DEFAULT_LIMITS, maxDecompressedBytes: 1_000_000 })).rejects.toThrowError(
      /in\.qdpx: archive decompresses to more than 976\.6 KiB/,
    );
  });

  it('caps the number of entries', async () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`sources/${i}.txt`, 'x']));
    await expect(
      read(qdpx({ 'project.qde': project(''), ...many }), { ...DEFAULT_LIMITS, maxArchiveEntries: 10 }),
    ).rejects.toThrowError(/more than 10 entries/);
  });
});

describe('readQdc', () => {
  it('reads a codebook and refuses a project in its place', () => {
    const qdc = `<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="${CODE}" name="A" isCodable="true"><Code guid="${U1}" name="B" isCodable="false"/></Code></Codes><Sets><Set guid="${U2}" name="S"><MemberCode guid="${CODE}"/></Set></Sets></CodeBook>`;
    const codes = readQdc('c.qdc', strToU8(qdc), DEFAULT_LIMITS);
    expect(codes.map((c) => [c.name, c.parentGuid])).toEqual([
      ['A', null],
      ['B', CODE.toLowerCase()],
    ]);
    expect(() => readQdc('p.qdc', strToU8(project('')), DEFAULT_LIMITS)).toThrowError(
      /p\.qdc: not a REFI-QDA codebook/,
    );
  });
});
