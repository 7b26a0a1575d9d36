import type { Turn } from '@accord/shared';
import { readDocx } from './docx.js';
import { ImportError } from './errors.js';
import { checkFileSize, type ImportLimits } from './limits.js';
import { readOdt } from './odt.js';
import { readPdf } from './pdf.js';
import { detectTurns, type SpeakerSummary } from './speakers.js';
import { readSrt, readVtt } from './subtitles.js';
import { decodeText, normaliseText, titleFromFileName } from './text.js';

/**
 * A transcript read from a file or pasted, before the user has confirmed its speakers: what the upload preview
 * shows and what `applySpeakerChoices` corrects.
 */
export interface TranscriptDraft {
  file: string;
  title: string;
  participant: string;
  text: string;
  turns: Turn[];
  speakers: SpeakerSummary[];
}

export const TRANSCRIPT_EXTENSIONS = ['txt', 'md', 'docx', 'odt', 'vtt', 'srt', 'pdf'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_EXTENSIONS)[number];

export function extensionOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function isTranscriptFile(file: string): boolean {
  return (TRANSCRIPT_EXTENSIONS as readonly string[]).includes(extensionOf(file));
}

export async function readTranscript(file: string, bytes: Uint8Array, limits: ImportLimits): Promise<TranscriptDraft> {
  checkFileSize(file, bytes, limits);
  const format = extensionOf(file);
  const title = titleFromFileName(file);
  switch (format) {
    case 'txt':
    case 'md':
      return draftFromText(file, title, decodeText(file, bytes));
    case 'docx':
      return draftFromText(file, title, await readDocx(file, bytes, limits));
    case 'odt':
      return draftFromText(file, title, await readOdt(file, bytes, limits));
    case 'pdf':
      return draftFromText(file, title, (await readPdf(file, bytes)).text);
    case 'vtt':
    case 'srt': {
      const source = decodeText(file, bytes);
      const subtitles = format === 'vtt' ? readVtt(file, source) : readSrt(file, source);
      return { file, title, participant: '', ...nonEmpty(file, subtitles.text), ...subtitles };
    }
    default:
      throw new ImportError(
        file,
        'unsupported_format',
        `".${format}" is not a transcript format Accord reads (${TRANSCRIPT_EXTENSIONS.map((e) => `.${e}`).join(', ')})`,
      );
  }
}

/** Pasted text: the same normalisation and speaker detection as a `.txt` file. */
export function readPastedTranscript(title: string, pasted: string): TranscriptDraft {
  return draftFromText(title, title, normaliseText(pasted));
}

function draftFromText(file: string, title: string, text: string): TranscriptDraft {
  nonEmpty(file, text);
  return { file, title, participant: '', text, ...detectTurns(text) };
}

function nonEmpty(file: string, text: string): { text: string } {
  if (text.trim() === '') throw new ImportError(file, 'empty_file', 'the transcript has no text');
  return { text };
}
