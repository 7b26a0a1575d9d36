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
    const block: Block = {
      start: turn.start,
      end: turn.end,
      speaker: turn.speaker,
      bodyStart: turn.start + labelLength(text, turn.start, turn.end, turn.speaker),
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
    blocks.push({ start, end, speaker: '', bodyStart: start });
    start = end;
  }
  if (start < to) blocks.push({ start, end: to, speaker: '', bodyStart: start });
  return blocks;
}

/** The length of the "Speaker:" label (and the spaces after it) that opens a turn's text, 0 when there is none. */
export function labelLength(text: string, start: number, end: number, speaker: string): number {
  if (speaker === '' || !text.startsWith(`${speaker}:`, start)) return 0;
  let at = start + speaker.length + 1;
  while (at < end && (text[at] === ' ' || text[at] === '\t')) at++;
  return at < end ? at - start : 0;
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
