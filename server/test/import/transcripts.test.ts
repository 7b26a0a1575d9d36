import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../src/import/errors.js';
import { DEFAULT_LIMITS } from '../../src/import/limits.js';
import { decodeText } from '../../src/import/text.js';
import { readPastedTranscript, readTranscript } from '../../src/import/transcripts.js';
import { fixture } from './fixtures.js';

const read = (file: string, bytes: Uint8Array, limits = DEFAULT_LIMITS) => readTranscript(file, bytes, limits);

describe('decodeText', () => {
  it.each([
    ['UTF-8', [0x61, 0x0d, 0x0a, 0x62], 'a\nb'],
    ['UTF-8 with BOM', [0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x62], 'a\nb'],
    ['UTF-16LE with BOM', [0xff, 0xfe, 0x61, 0, 0x0d, 0, 0x0a, 0, 0xe9, 0], 'a\né'],
    ['UTF-16BE with BOM', [0xfe, 0xff, 0, 0x61, 0, 0x0a, 0xd8, 0x3d, 0xde, 0x00], 'a\n😀'],
  ])('%s', (_name, bytes, text) => {
    expect(decodeText('f.txt', new Uint8Array(bytes))).toBe(text);
  });

  it('refuses text that is not UTF-8, naming the file', () => {
    const windows1252 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]);
    expect(() => decodeText('notes.txt', windows1252)).toThrowError(/notes\.txt: text is not valid UTF-8/);
    try {
      decodeText('notes.txt', windows1252);
    } catch (error) {
      expect(error).toBeInstanceOf(ImportError);
      expect((error as ImportError).code).toBe('unsupported_encoding');
      expect((error as ImportError).file).toBe('notes.txt');
    }
  });
});

describe('readTranscript on the fixtures', () => {
  it('QualCoder text with [id] speakers', async () => {
    const draft = await read('transcript.txt', fixture('transcripts/qualcoder-examples/transcript.txt'));
    expect(draft.title).toBe('transcript');
    expect(draft.turns).toHaveLength(7);
    expect(draft.speakers.map((s) => s.name)).toEqual(['id1', 'id2', 'id3']);
  });

  it('a Word document (mammoth): paragraphs, no speakers', async () => {
    const draft = await read('ID1.docx', fixture('transcripts/qualcoder-examples/ID1.docx'));
    expect(draft.text).toMatch(/^I really like learning new things\./);
    expect(draft.text.split('\n\n')).toHaveLength(3);
    expect(draft.text).toContain("I'm happy to pay €200.");
    expect(draft.text.endsWith('\n')).toBe(false);
    expect(draft.turns).toEqual([]);
  });

  it('an OpenDocument text: paragraphs, spans joined, no speakers', async () => {
    const draft = await read('ID2.odt', fixture('transcripts/qualcoder-examples/ID2.odt'));
    expect(draft.text).toMatch(/^I have not studied much before, but my father Joe Bloggs/);
    expect(draft.text).toContain('The course cost €200.00 and I do not want to waste my money.');
    expect(draft.turns).toEqual([]);
  });

  it('a Zoom VTT with speakers: one turn per change of speaker, with times', async () => {
    const draft = await read('zoom.vtt', fixture('transcripts/vtt/zoom_meeting001_transcript.vtt'));
    expect(draft.text).not.toContain('\r');
    expect(
      draft.text.startsWith("Andrew Knight: Okay, so we're recording. We're streaming We have that setup. Okay."),
    ).toBe(true);
    expect(draft.turns[0]).toEqual({ start: 0, speaker: 'Andrew Knight', time: 4.859 });
    expect(draft.turns[1]).toMatchObject({ speaker: 'Paul McCartney', time: 24 });
    expect(draft.turns).toHaveLength(34);
    expect(draft.speakers.map((s) => s.name).sort()).toEqual([
      'Andrew Knight',
      'George Harrison',
      'John Lennon',
      'Paul McCartney',
      'Ringo Starr',
    ]);
    const labelled = draft.turns.filter((turn) => turn.speaker !== '');
    expect(labelled).toHaveLength(32); // two cues carry no `Name:` and keep their own, speakerless turns
    for (const turn of labelled) expect(draft.text.startsWith(`${turn.speaker}: `, turn.start)).toBe(true);
  });

  it('a Zoom VTT without speakers: one turn per cue, with its time and no speaker', async () => {
    const draft = await read('nospeakers.vtt', fixture('transcripts/vtt/zoom_video1009782420_no-speakers.vtt'));
    expect(draft.speakers).toEqual([]);
    expect(draft.turns).toHaveLength(20);
    expect(draft.turns[0]).toEqual({ start: 0, speaker: '', time: 31.673 });
    expect(draft.text.split('\n\n')[1]).toBe('Hey, Willem. Nice to meet you. How was your weekend?');
  });
});

describe('readTranscript on constructed files', () => {
  it('Teams VTT voice spans', async () => {
    const vtt =
      'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Anna Smith>Hello &amp; welcome</v>\n\n' +
      '00:00:04.500 --> 00:00:06.000\n<v Anna Smith>to the study.</v>\n\n00:00:07.000 --> 00:00:08.000\n<v Ben>Thanks.</v>\n';
    const draft = await read('teams.vtt', strToU8(vtt));
    expect(draft.text).toBe('Anna Smith: Hello & welcome to the study.\n\nBen: Thanks.');
    expect(draft.turns).toEqual([
      { start: 0, speaker: 'Anna Smith', time: 1 },
      { start: 43, speaker: 'Ben', time: 7 },
    ]);
  });

  it('SRT with speakers and formatting', async () => {
    const srt =
      '1\r\n00:00:01,000 --> 00:00:02,000\r\nP1: <i>I think</i>\r\nso.\r\n\r\n2\r\n00:01:00,500 --> 00:01:02,000\r\nInterviewer: Why?\r\n';
    const draft = await read('a.srt', strToU8(srt));
    expect(draft.text).toBe('P1: I think so.\n\nInterviewer: Why?');
    expect(draft.turns).toEqual([
      { start: 0, speaker: 'P1', time: 1 },
      { start: 17, speaker: 'Interviewer', time: 60.5 },
    ]);
  });

  it('Otter-style text export keeps the times', async () => {
    const draft = await read('otter.txt', strToU8('Speaker 1  0:03\r\nHello.\r\n\r\nSpeaker 2  1:10\r\nHi.\r\n'));
    expect(draft.text).toBe('Speaker 1  0:03\nHello.\n\nSpeaker 2  1:10\nHi.\n');
    expect(draft.turns).toEqual([
      { start: 0, speaker: 'Speaker 1', time: 3 },
      { start: 24, speaker: 'Speaker 2', time: 70 },
    ]);
  });

  it('Markdown is kept as written', async () => {
    const draft = await read('notes.md', strToU8('\uFEFF# Interview 3\n\n**Interviewer:** hi'));
    expect(draft.text).toBe('# Interview 3\n\n**Interviewer:** hi');
  });

  it('pasted text is normalised like a file', () => {
    const draft = readPastedTranscript('Pasted', '\uFEFFInterviewer: hi\r\nP1: hello\r\n');
    expect(draft.text).toBe('Interviewer: hi\nP1: hello\n');
    expect(draft.turns.map((t) => t.speaker)).toEqual(['Interviewer', 'P1']);
  });

  it.each([
    ['unknown.rtf', strToU8('{\\rtf1 hi}'), 'unsupported_format', /unknown\.rtf: "\.rtf" is not a transcript format/],
    ['cut.pdf', strToU8('%PDF-1.4'), 'corrupt_pdf', /cut\.pdf: not a readable PDF/],
    ['empty.txt', strToU8(' \n '), 'empty_file', /empty\.txt: the transcript has no text/],
    ['bad.docx', strToU8('not a zip'), 'corrupt_archive', /bad\.docx: not a readable ZIP archive/],
    ['bad.vtt', strToU8('hello'), 'unsupported_format', /bad\.vtt: not a usable WebVTT file/],
    ['bad.srt', strToU8('hello'), 'unsupported_format', /bad\.srt: not a usable SRT file/],
    ['latin1.txt', new Uint8Array([0xe9, 0x74, 0xe9]), 'unsupported_encoding', /latin1\.txt/],
    ['nobody.odt', zipSync({ mimetype: strToU8('x') }), 'unsupported_format', /nobody\.odt: not an OpenDocument text/],
    ['word.docx', zipSync({ 'a.txt': strToU8('x') }), 'unsupported_format', /word\.docx: not a readable Word document/],
  ])('%s is refused with a clear error', async (file, bytes, code, message) => {
    const error = await read(file, bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code, file });
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a file over the size limit', async () => {
    const error = await read('big.txt', new Uint8Array(2048), { ...DEFAULT_LIMITS, maxFileBytes: 1024 }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: 'too_large', status: 413 });
    expect(error.message).toMatch(/big\.txt: file is 2\.0 KiB, over the limit of 1\.0 KiB/);
  });
});
