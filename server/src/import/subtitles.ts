/// <reference path="./webvtt-parser.d.ts" />
import type { Turn } from '@accord/shared';
import SrtParser from 'srt-parser-2';
import webvtt, { type CueNode } from 'webvtt-parser';
import htmlEntities from 'webvtt-parser/html-entities.json' with { type: 'json' };
import { ImportError } from './errors.js';
import { acceptLabels, lineLabel, type SpeakerSummary, summariseSpeakers } from './speakers.js';

/**
 * Subtitle files (WebVTT from Zoom, Teams and transcription services; SRT) become a transcript with one paragraph
 * per speaker turn, `Name: words`, and the cue's start time on the turn. Consecutive cues of one speaker are one
 * turn (Zoom cuts an utterance into many cues). Cues without a speaker each keep their own turn, with an empty
 * speaker, so their times are not lost. Speakers come from Teams' `<v Name>` voice spans or from Zoom's
 * `Name: ` at the start of a cue.
 */
export interface SubtitleTranscript {
  text: string;
  turns: Turn[];
  speakers: SpeakerSummary[];
}

interface Cue {
  /** Seconds from the start of the recording. */
  start: number;
  voice: string | null;
  text: string;
}

export function readVtt(file: string, source: string): SubtitleTranscript {
  // Without the entity table the parser decodes only a few entities, and `&amp;` comes out as `&;`.
  const { cues, errors } = new webvtt.WebVTTParser(htmlEntities).parse(source, 'metadata');
  if (cues.length === 0) {
    const reason = errors[0] === undefined ? 'it has no cues' : `line ${errors[0].line}: ${errors[0].message}`;
    throw new ImportError(file, 'unsupported_format', `not a usable WebVTT file (${reason})`);
  }
  return fromCues(
    cues.map((cue) => ({
      start: cue.startTime,
      voice: voiceOf(cue.tree.children),
      text: plainText(cue.tree.children),
    })),
  );
}

export function readSrt(file: string, source: string): SubtitleTranscript {
  const cues = new SrtParser().fromSrt(source);
  if (cues.length === 0) throw new ImportError(file, 'unsupported_format', 'not a usable SRT file (it has no cues)');
  return fromCues(
    cues.map((cue) => ({ start: cue.startSeconds, voice: null, text: cue.text.replace(FORMATTING_TAGS, '') })),
  );
}

/** SRT allows HTML-like formatting; it is presentation, not words. */
const FORMATTING_TAGS = /<\/?(?:i|b|u|font)\b[^>]*>/gi;

function voiceOf(nodes: readonly CueNode[]): string | null {
  for (const node of nodes) {
    if (node.type === 'object' && node.name === 'v' && typeof node.value === 'string' && node.value.trim() !== '') {
      return node.value.trim();
    }
  }
  return null;
}

function plainText(nodes: readonly CueNode[]): string {
  let text = '';
  for (const node of nodes) {
    if (node.type === 'text') text += String(node.value ?? '');
    else if (node.type === 'object') text += plainText(node.children ?? []);
  }
  return text;
}

function fromCues(cues: readonly Cue[]): SubtitleTranscript {
  const words = cues.map((cue) =>
    cue.text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join(' '),
  );
  // Zoom writes the speaker as `Name: ` inside the cue; count labels over the whole file like speakers.ts does.
  const labels = words.map((text) => lineLabel(text));
  const { accepted } = acceptLabels(labels.flatMap((label) => (label === null ? [] : [label])));
  const paragraphs: string[] = [];
  const turns: Turn[] = [];
  let length = 0;
  let previousSpeaker: string | null = null;
  cues.forEach((cue, index) => {
    const label = labels[index] ?? null;
    const labelled = cue.voice === null && label !== null && accepted.has(label.name);
    const speaker = cue.voice ?? (labelled ? label.name : null);
    const spoken = labelled ? words[index]!.slice(label.textStart).trim() : words[index]!;
    if (spoken === '') return;
    if (speaker !== null && speaker === previousSpeaker) {
      paragraphs[paragraphs.length - 1] += ` ${spoken}`;
      length += spoken.length + 1;
      return;
    }
    const paragraph = speaker === null ? spoken : `${speaker}: ${spoken}`;
    if (paragraphs.length > 0) length += 2;
    turns.push({ start: length, speaker: speaker ?? '', time: Math.round(cue.start * 1000) / 1000 });
    paragraphs.push(paragraph);
    length += paragraph.length;
    previousSpeaker = speaker;
  });
  return { text: paragraphs.join('\n\n'), turns, speakers: summariseSpeakers(turns) };
}
