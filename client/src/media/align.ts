import { type StoredTurn, transcriptText, transcriptTurns } from '@accord/shared';
import * as Y from 'yjs';
import type { Block } from '../coding/blocks.js';

/** Turn times are kept to the millisecond, as subtitle files give them. */
export function roundTime(seconds: number): number {
  return Math.round(Math.max(0, seconds) * 1000) / 1000;
}

/**
 * Sets the start time of the reader's block `index` in the transcript document (hand alignment), as one change
 * of the `turns` array: the turn's stored entry is replaced by the same entry with the time (its anchor kept, so it
 * still follows corrections). A block that is not a turn (text imported without speakers reads as paragraphs)
 * becomes one without a speaker; so that the paragraphs after it (up to the first turn) stay blocks of their own,
 * they become turns without a speaker and without a time too. Call inside `local()` for undo.
 */
export function setBlockTime(doc: Y.Doc, blocks: readonly Block[], index: number, seconds: number): void {
  const block = blocks[index];
  if (!block) return;
  const time = roundTime(seconds);
  const ytext = transcriptText(doc);
  const turns = transcriptTurns(doc);
  const starts = new Map<number, number>();
  turns.toArray().forEach((stored, i) => {
    const at = stored?.at instanceof Uint8Array ? stored.at : null;
    if (!at) return;
    const position = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(at), doc);
    if (position !== null && !starts.has(position.index)) starts.set(position.index, i);
  });
  const anchor = (offset: number) => Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(ytext, offset));
  doc.transact(() => {
    const existing = starts.get(block.start);
    if (existing !== undefined) {
      const stored = turns.get(existing);
      turns.delete(existing, 1);
      turns.insert(existing, [{ at: stored.at, speaker: stored.speaker, time }]);
      return;
    }
    const added: StoredTurn[] = [{ at: anchor(block.start), speaker: '', time }];
    for (let next = index + 1; next < blocks.length && !starts.has(blocks[next]!.start); next++) {
      added.push({ at: anchor(blocks[next]!.start), speaker: '' });
    }
    turns.push(added);
  });
}
