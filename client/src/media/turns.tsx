import { createContext, useContext, useSyncExternalStore } from 'react';
import { type Block, formatTime } from '../coding/blocks.js';
import { useT } from '../i18n/index.js';
import type { Playback } from './playback.js';

/**
 * What the reader's turns need of the player, provided by the transcript page (`MediaProvider`) and read by each
 * turn: whether it is the turn being heard, its timestamp as a "play from here" button, and, while aligning by hand,
 * a button that sets its start to the playback position. Without a recording nothing changes in the reader.
 */
export interface TurnMedia {
  playback: Playback;
  /** Owners aligning a transcript by hand: each turn offers "Set start". */
  aligning: boolean;
  /** Sets the turn's start time to the playback position (one undo step). */
  align: (block: Block, index: number) => void;
}

const TurnMediaContext = createContext<TurnMedia | null>(null);

export const MediaProvider = TurnMediaContext.Provider;

const noSubscription = () => () => {};

/** Whether turn `index` is the one being heard (re-renders only when that changes). */
export function useCurrentTurn(index: number): boolean {
  const media = useContext(TurnMediaContext);
  return useSyncExternalStore(media?.playback.subscribe ?? noSubscription, () =>
    media ? media.playback.getSnapshot().current === index : false,
  );
}

/**
 * A turn's timestamp in the gutter: with a recording, a button that plays from it; without, the time as text.
 */
export function TurnTime({ block, index }: { block: Block; index: number }) {
  const media = useContext(TurnMediaContext);
  const t = useT();
  if (block.time === undefined) return null;
  const time = formatTime(block.time);
  if (!media) return <span className="time">{time}</span>;
  return (
    <button
      type="button"
      className="time time-button"
      aria-label={t('turnTime.playFrom', { time, number: index + 1 })}
      title={t('turnTime.playFromHere')}
      onClick={() => media.playback.playFrom(block.time!)}
    >
      {time}
    </button>
  );
}

/** While aligning by hand: "Set start" on each turn, to the playback position. */
export function AlignTurn({ block, index }: { block: Block; index: number }) {
  const media = useContext(TurnMediaContext);
  const t = useT();
  if (!media?.aligning) return null;
  return (
    <button
      type="button"
      className="align-turn"
      aria-label={t('turnTime.setStartOf', { number: index + 1 })}
      onClick={() => media.align(block, index)}
    >
      {t('turnTime.setStart')}
    </button>
  );
}
