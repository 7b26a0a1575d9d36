import type { ResolvedTurn } from '@accord/shared';

/** A block of the reader: one speaker turn, or for text without turns one paragraph. Blocks tile the text. */
export interface Block {
  start: number;
  end: number;
  speaker: string;
  time?: number;
  /**
   * Where the spoken text starts: after the speaker label that opens the turn's text ("Dan: "), which the reader
   * shows once, in the gutter, instead of twice. The label stays in the text (offsets never change); equals `start`
   * when the text has no such label.
   */
  bodyStart: number;
  /**
   * The turn's writing direction, from its spoken text (the first strong letter, as `dir="auto"` and the Unicode
   * bidirectional algorithm decide a paragraph's): its text, gutter and margin are laid out in it.
   */
  dir: 'ltr' | 'rtl';
}

/**
 * Turns become blocks; text before the first turn, or a whole transcript without turns, is split at blank lines
 * so that no block is enormous (the reader virtualises by block). Blocks are contiguous: one block's end is the
 * next one's start, which is what lets a DOM point outside a block's text map to a block edge.
 */
export function buildBlocks(text: string, turns: readonly ResolvedTurn[]): Block[] {
  const blocks: Block[] = [];
  const firstTurn = turns[0]?.start ?? text.length;
  if (firstTurn > 0) blocks.push(...paragraphs(text, 0, firstTurn));
  for (const turn of turns) {
    const bodyStart = turn.start + labelLength(text, turn.start, turn.end, turn.speaker);
    const block: Block = {
      start: turn.start,
      end: turn.end,
      speaker: turn.speaker,
      bodyStart,
      dir: textDirection(text, bodyStart, turn.end),
    };
    if (turn.time !== undefined) block.time = turn.time;
    blocks.push(block);
  }
  return blocks;
}

function paragraphs(text: string, from: number, to: number): Block[] {
  const blocks: Block[] = [];
  let start = from;
  const pattern = /\n\s*\n/g;
  pattern.lastIndex = from;
  for (let match = pattern.exec(text); match !== null && match.index < to; match = pattern.exec(text)) {
    const end = Math.min(match.index + match[0].length, to);
    blocks.push({ start, end, speaker: '', bodyStart: start, dir: textDirection(text, start, end) });
    start = end;
  }
  if (start < to) blocks.push({ start, end: to, speaker: '', bodyStart: start, dir: textDirection(text, start, to) });
  return blocks;
}

/**
 * The length of the "Speaker:" label (and the spaces after it) that opens a turn's text, 0 when there is none. The
 * colon may be full-width (`访谈者：`, as Chinese and Japanese transcripts write it), the space ideographic.
 */
export function labelLength(text: string, start: number, end: number, speaker: string): number {
  if (speaker === '' || !text.startsWith(speaker, start)) return 0;
  let at = start + speaker.length;
  if (text[at] !== ':' && text[at] !== '\uff1a') return 0;
  at++;
  while (at < end && (text[at] === ' ' || text[at] === '\t' || text[at] === '\u3000')) at++;
  return at < end ? at - start : 0;
}

/** Letters of the scripts written right to left (Unicode's bidirectional classes R and AL). */
const RTL_LETTER =
  /[\p{sc=Hebrew}\p{sc=Arabic}\p{sc=Syriac}\p{sc=Thaana}\p{sc=Nko}\p{sc=Samaritan}\p{sc=Mandaic}\p{sc=Adlam}\p{sc=Hanifi_Rohingya}\p{sc=Yezidi}\p{sc=Mende_Kikakui}\p{sc=Imperial_Aramaic}\p{sc=Phoenician}\p{sc=Kharoshthi}\p{sc=Old_South_Arabian}\p{sc=Old_North_Arabian}\p{sc=Avestan}\p{sc=Inscriptional_Parthian}\p{sc=Inscriptional_Pahlavi}\p{sc=Psalter_Pahlavi}\p{sc=Old_Turkic}\p{sc=Old_Hungarian}\p{sc=Nabataean}\p{sc=Palmyrene}\p{sc=Manichaean}\p{sc=Hatran}\p{sc=Sogdian}\p{sc=Old_Sogdian}\p{sc=Elymaic}\p{sc=Chorasmian}\p{sc=Cypriot}\p{sc=Lydian}\p{sc=Meroitic_Cursive}\p{sc=Meroitic_Hieroglyphs}]/u;

/** Whether `text` has a letter written in the other direction than `dir` (it needs isolating to read right). */
export function hasOtherDirection(text: string, dir: 'ltr' | 'rtl'): boolean {
  for (const [letter] of text.matchAll(/\p{L}/gu)) if (RTL_LETTER.test(letter) !== (dir === 'rtl')) return true;
  return false;
}

/**
 * The direction of `text[from, to)` as the Unicode bidirectional algorithm gives a paragraph's (rules P2-P3, what
 * `dir="auto"` does): that of its first strong character, a letter (or a left-to-right or right-to-left mark),
 * skipping what is inside directional isolates; left to right when there is none (digits, punctuation, nothing).
 */
export function textDirection(text: string, from = 0, to = text.length): 'ltr' | 'rtl' {
  const strong = /[\p{L}\u200e\u200f\u061c]|[\u2066-\u2068]|\u2069/gu;
  strong.lastIndex = from;
  let isolates = 0;
  for (let match = strong.exec(text); match !== null && match.index < to; match = strong.exec(text)) {
    const char = match[0];
    if (char >= '\u2066' && char <= '\u2068') isolates++;
    else if (char === '\u2069') isolates = Math.max(0, isolates - 1);
    else if (isolates === 0) return char === '\u200f' || char === '\u061c' || RTL_LETTER.test(char) ? 'rtl' : 'ltr';
  }
  return 'ltr';
}

/** Index of the block containing `offset` (the last block for the end of the text), or -1 for no blocks. */
export function blockAt(blocks: readonly Block[], offset: number): number {
  let low = 0;
  let high = blocks.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (blocks[mid]!.start <= offset) low = mid;
    else high = mid - 1;
  }
  return blocks.length === 0 ? -1 : low;
}

/** `h:mm:ss` or `m:ss` for a turn's timestamp in seconds. */
export function formatTime(seconds: number): string {
  const whole = Math.floor(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
