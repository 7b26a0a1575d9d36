import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { codebookCsv, codebookHtml, codebookMarkdown } from '../../src/export/codebookDocs.js';
import { matrixCsv, unitCoderMatrix } from '../../src/export/matrix.js';
import { segmentRows } from '../../src/export/segments.js';
import { segmentsCsv } from '../../src/export/segmentsCsv.js';
import { segmentsXlsx } from '../../src/export/segmentsXlsx.js';
import { readCodebookCsv } from '../../src/import/codebookCsv.js';
import { CODES, sampleBundle, USERS } from './sampleBundle.js';

const bundle = sampleBundle();

describe('segmentRows', () => {
  it('one row per coding with speaker, code path and coder', () => {
    const rows = segmentRows(bundle);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({
      transcript: 'Interview P1',
      participant: 'P1',
      speaker: 'Interviewer',
      codePath: 'Barriers',
      coder: 'Ben',
      start: 18,
      end: 33,
      text: 'stopped you? 😀',
      memo: '',
      createdAt: '2023-11-14T22:13:23.000Z',
      // In the first turn (0 s) of a transcript with times; the next turn starts at 4.5 s.
      startTime: 0,
      endTime: 4.5,
    });
    expect(rows.find((row) => row.memo !== '')).toMatchObject({
      codePath: 'Barriers > Stigma',
      coder: 'Ana',
      speaker: 'P1',
      text: 'people talk',
    });
  });

  it.each([
    ['a code with its descendants', { codeGuids: [CODES.barriers] }, 4],
    ['a leaf code', { codeGuids: [CODES.stigma] }, 2],
    ['a coder', { coderGuids: [USERS.cy] }, 1],
    ['a transcript', { transcriptGuids: ['bbbbbbbb-0000-4000-8000-000000000001'] }, 4],
    ['coder and code together', { coderGuids: [USERS.ana], codeGuids: [CODES.stigma] }, 1],
  ])('filters by %s', (_name, filter, count) => {
    expect(segmentRows(bundle, filter)).toHaveLength(count);
  });
});

describe('segment files', () => {
  it('CSV parses back to the rows, text with newlines and quotes intact', () => {
    const rows = segmentRows(bundle);
    const csv = segmentsCsv(rows);
    expect(
      csv.startsWith(
        '\uFEFFtranscript,participant,speaker,codePath,coder,start,end,text,memo,createdAt,startTime,endTime\n',
      ),
    ).toBe(true);
    const parsed = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(parsed.map((row) => row.memo)).toEqual(rows.map((row) => row.memo));
    expect(parsed.map((row) => row.text)).toEqual(rows.map((row) => row.text));
  });

  it('XLSX has a header and one row per coding', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await segmentsXlsx(segmentRows(bundle))) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Coded segments')!;
    expect(sheet.rowCount).toBe(6);
    expect(sheet.getRow(1).getCell(8).value).toBe('text');
    expect(sheet.getRow(2).getCell(8).value).toBe('stopped you? 😀');
    expect(sheet.getRow(2).getCell(10).value).toBeInstanceOf(Date);
  });
});

describe('codebook documents', () => {
  it('CSV is what the codebook CSV import reads', () => {
    const codes = readCodebookCsv('codebook.csv', Buffer.from(codebookCsv(bundle.codes)));
    expect(codes.map(({ guid: _, parentGuid, ...rest }) => ({ ...rest, hasParent: parentGuid !== null }))).toEqual(
      bundle.codes.map(({ guid: _, parentGuid, ...rest }) => ({ ...rest, hasParent: parentGuid !== null })),
    );
  });

  it('Markdown nests codes and shows criteria and excerpts', () => {
    const markdown = codebookMarkdown(bundle, { excerptsPerCode: 1 });
    expect(markdown).toContain(
      '## Barriers\n\n**Definition.** Anything that keeps people from seeking help.\n\n**Inclusion criteria.** Named by the participant.',
    );
    expect(markdown).toContain('### Stigma');
    expect(markdown).toContain('> people talk\n> — Interview P1');
  });

  it('HTML is safe whatever colour a code holds (a document may hold anything)', () => {
    const hostile = sampleBundle();
    hostile.codes[0]!.colour = 'red"><script>alert(1)</script>';
    hostile.codes[1]!.colour = '#abc;background-image:url(http://x)';
    hostile.codes[2]!.colour = '#ABC';
    const html = codebookHtml(hostile);
    expect(html).not.toMatch(/<script|url\(/);
    const swatches = html.match(/<span class="swatch"[^>]*>/g) ?? [];
    expect(swatches).toContain('<span class="swatch" style="background:#aabbcc">');
    for (const swatch of swatches) expect(swatch).toMatch(/^<span class="swatch" style="background:#[0-9a-f]{6}">$/);
    const rows = parse(codebookCsv(hostile.codes), { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((row) => row.colour)).toEqual(['', '', '#aabbcc', '#009e73']);
  });

  it('HTML is escaped and printable', () => {
    const html = codebookHtml(bundle, { excerptsPerCode: 2 });
    expect(html).toContain('<h2><span class="swatch" style="background:#009e73"></span>Support &lt;family&gt;</h2>');
    expect(html).toContain('@media print');
    expect(html).not.toContain('<family>');
  });
});

describe('unit x coder matrix', () => {
  it.each([
    [
      'transcript',
      [
        [1, 1, null],
        [null, null, 0],
      ],
    ],
    [
      'turn',
      [
        [0, 1, null],
        [1, 1, null],
        [0, 0, null],
        [null, null, 0],
      ],
    ],
    [
      'paragraph',
      [
        [0, 1, null],
        [1, 1, null],
        [0, 0, null],
        [null, null, 0],
      ],
    ],
  ] as const)('Barriers and its children by %s', (unit, values) => {
    const matrix = unitCoderMatrix(bundle, CODES.barriers, unit);
    expect(matrix.coders.map((c) => c.name)).toEqual(['Ana', 'Ben', 'Cy']);
    expect(matrix.rows.map((row) => row.values)).toEqual(values);
  });

  it('by character counts the coded characters', () => {
    const matrix = unitCoderMatrix(bundle, CODES.stigma, 'character');
    const codedBy = (coder: number) => matrix.rows.filter((row) => row.values[coder] === 1).length;
    expect([codedBy(0), codedBy(1)]).toEqual(['people talk'.length, 'Honestly, people talk.'.length]);
  });

  it('CSV for R with NA, and for ReCal without header or missing units', () => {
    const matrix = unitCoderMatrix(bundle, CODES.barriers, 'turn');
    expect(matrixCsv(matrix, 'irr').split('\n').slice(0, 3)).toEqual([
      'transcript,unit,start,end,Ana,Ben,Cy',
      'Interview P1,1,0,35,0,1,NA',
      'Interview P1,2,35,82,1,1,NA',
    ]);
    expect(matrixCsv(matrix, 'recal')).toBe('');
    const twoCoders = { ...bundle, transcripts: bundle.transcripts.slice(0, 1) };
    expect(matrixCsv(unitCoderMatrix(twoCoders, CODES.barriers, 'turn'), 'recal')).toBe('0,1\n1,1\n0,0\n');
  });
});
