import { useEffect } from 'react';
import { type Playback, SKIP_SECONDS } from './playback.js';

export type PlayerAction = 'toggle' | 'back' | 'forward' | 'slower' | 'faster';

/**
 * The player's keys, all with Alt (Option on macOS) and never Shift, Ctrl or ⌘, so that none of the reader's
 * coding keys (digits, letters, arrows, Shift+arrows, Shift+Alt+arrows) changes meaning. As in transcription tools
 * they work anywhere on the page, also while a turn, the picker or the codebook has the focus; in a text field the
 * arrows keep their meaning there (Option+arrows move by word on macOS). K is matched by the letter it types and by
 * its place on the keyboard (`code`), since Option+K types "˚" on a Mac.
 */
export function playerAction(event: {
  code: string;
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  target: EventTarget | null;
}): PlayerAction | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null;
  if (event.code === 'KeyK' || event.key.toLowerCase() === 'k') return 'toggle';
  const target = event.target as Element | null;
  const field = target?.closest?.('input:not([type="range"]), textarea, select, [contenteditable="true"]');
  if (field) return null;
  switch (event.key) {
    case 'ArrowLeft':
      return 'back';
    case 'ArrowRight':
      return 'forward';
    case 'ArrowDown':
      return 'slower';
    case 'ArrowUp':
      return 'faster';
    default:
      return null;
  }
}

export function runAction(playback: Playback, action: PlayerAction): void {
  switch (action) {
    case 'toggle':
      playback.toggle();
      break;
    case 'back':
      playback.skip(-SKIP_SECONDS);
      break;
    case 'forward':
      playback.skip(SKIP_SECONDS);
      break;
    case 'slower':
      playback.stepRate(-1);
      break;
    case 'faster':
      playback.stepRate(1);
      break;
  }
}

/**
 * Listens for the player's keys on the whole page while a recording is attached. The listener runs in the capture
 * phase and stops the event, so that Alt+↓ on a turn changes the rate and does not also move to the next turn, and
 * Alt+← never reaches the browser as "Back".
 */
export function usePlayerKeys(playback: Playback | null): void {
  useEffect(() => {
    if (!playback) return;
    const onKey = (event: KeyboardEvent) => {
      const action = playerAction(event);
      if (!action) return;
      event.preventDefault();
      event.stopPropagation();
      runAction(playback, action);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [playback]);
}

/** The keys as the player's buttons announce them (`aria-keyshortcuts`) and show them (`title`). */
export const PLAYER_KEYS: Readonly<Record<PlayerAction, { aria: string; label: string }>> = {
  toggle: { aria: 'Alt+K', label: 'Alt+K' },
  back: { aria: 'Alt+ArrowLeft', label: 'Alt+←' },
  forward: { aria: 'Alt+ArrowRight', label: 'Alt+→' },
  slower: { aria: 'Alt+ArrowDown', label: 'Alt+↓' },
  faster: { aria: 'Alt+ArrowUp', label: 'Alt+↑' },
};
