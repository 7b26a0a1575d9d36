import { describe, expect, it } from 'vitest';
import {
  ACCEPT_ATTRIBUTE,
  buildImportRequest,
  type CoderPreview,
  defaultCoderChoice,
  describeSummary,
  extensionOf,
  fileProblem,
  kindLabel,
  MAX_FILE_BYTES,
  pastedFileName,
  type UploadPreview,
} from '../../src/importExport/files.js';
import { initialEdits } from '../../src/importExport/speakers.js';

describe('file checks before upload', () => {
  it.each([
    ['Interview 1.docx', 'docx', 'transcript (Word)'],
    ['zoom.VTT', 'vtt', 'transcript (subtitles)'],
    ['project.qdpx', 'qdpx', 'project (REFI-QDA)'],
    ['codes.csv', 'csv', 'codebook or participant attributes'],
    ['folder/notes.md', 'md', 'transcript'],
    ['.hidden', '', null],
    ['report.pdf', 'pdf', 'transcript (PDF)'],
    ['notes.rtf', 'rtf', null],
    ['README', '', null],
  ])('%s is %j, read as %j', (name, extension, label) => {
    expect(extensionOf(name)).toBe(extension);
    expect(kindLabel(name)).toBe(label);
  });

  it('accepts every kind the server reads', () => {
    expect(ACCEPT_ATTRIBUTE.split(',')).toEqual([
      '.txt',
      '.md',
      '.docx',
      '.odt',
      '.vtt',
      '.srt',
      '.pdf',
      '.qdpx',
      '.qdc',
      '.csv',
    ]);
  });

  it.each([
    ['a.txt', 10, [], null],
    ['a.rtf', 10, [], 'a.rtf: Accord does not import “.rtf”'],
    ['README', 10, [], 'README: Accord does not import files without an extension'],
    ['a.txt', 0, [], 'a.txt: the file is empty'],
    ['a.txt', MAX_FILE_BYTES + 1, [], 'a.txt: the file is larger than 64 MiB'],
    ['a.txt', 10, ['b.txt', 'a.txt'], 'a.txt: a file of this name is already in the list'],
  ])('%s (%i bytes, taken %j): %j', (name, size, taken, problem) => {
    const found = fileProblem(name, size, taken);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it.each([
    ['Focus group 2', 'Focus group 2.txt'],
    ['  a/b\\c  ', 'a-b-c.txt'],
    ['two\n lines', 'two lines.txt'],
  ])('pasted %j is uploaded as %j', (title, name) => {
    expect(pastedFileName(title)).toBe(name);
  });
});

const coder = (guid: string, suggestedAccount: string | null): CoderPreview => ({ guid, name: guid, suggestedAccount });

function preview(partial: Partial<UploadPreview> & { id: string; name: string }): UploadPreview {
  return {
    summary: { transcripts: 0, codes: 0, users: 0, memos: 0, codingsPerCoder: {} },
    warnings: [],
    transcripts: [],
    codes: [],
    coders: [],
    ...partial,
  };
}

describe('the confirm request', () => {
  const speakers = [
    { name: 'Interviewer', turns: 3 },
    { name: 'Particpant', turns: 1 },
  ];
  const docx = preview({
    id: 'a'.repeat(24),
    name: 'Interview 2.docx',
    transcripts: [{ title: 'Interview 2', characters: 100, turns: 4, speakers, excerpt: '' }],
  });
  const vtt = preview({
    id: 'b'.repeat(24),
    name: 'zoom.vtt',
    transcripts: [{ title: 'zoom', characters: 100, turns: 4, speakers: [{ name: 'Ann', turns: 4 }], excerpt: '' }],
  });
  const qdpx = preview({ id: 'c'.repeat(24), name: 'p.qdpx', coders: [coder('g1', null), coder('g2', 'u2')] });

  it('lists every upload, and sends speaker choices by file name only where something changed', () => {
    const edits = { ...initialEdits(speakers), Particpant: { name: 'Participant', drop: false } };
    const request = buildImportRequest(
      [
        { preview: docx, edits: [edits] },
        { preview: vtt, edits: [initialEdits(vtt.transcripts[0]!.speakers)] },
      ],
      {},
    );
    expect(request).toEqual({
      uploads: ['a'.repeat(24), 'b'.repeat(24)],
      speakers: { 'Interview 2.docx': { Particpant: 'Participant' } },
    });
  });

  it('sends every coder’s account: the chosen one, else the matched one, else a new account', () => {
    const request = buildImportRequest([{ preview: qdpx, edits: [] }], { g2: 'create' });
    expect(request).toEqual({ uploads: ['c'.repeat(24)], users: { g1: 'create', g2: 'create' } });
    const matched = buildImportRequest([{ preview: qdpx, edits: [] }], { g1: { account: 'u9' } });
    expect(matched.users).toEqual({ g1: { account: 'u9' }, g2: { account: 'u2' } });
    expect(defaultCoderChoice(coder('x', null))).toBe('create');
  });

  it.each([
    [{ transcripts: 0, codes: 0, users: 0, memos: 0, codingsPerCoder: {} }, 'nothing to import'],
    [{ transcripts: 1, codes: 0, users: 0, memos: 0, codingsPerCoder: {} }, '1 transcript'],
    [
      { transcripts: 3, codes: 14, users: 2, memos: 1, codingsPerCoder: { A: 10, B: 5 } },
      '3 transcripts, 14 codes, 2 coders, 15 codings, 1 memo',
    ],
  ])('summary %j reads %j', (summary, text) => {
    expect(describeSummary(summary)).toBe(text);
  });
});
