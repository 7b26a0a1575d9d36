/**
 * The state of a transcript's player, outside React: the media element, where it is, how fast, whether the reader
 * follows it, and which turn is being heard. Components read it with `useSyncExternalStore`; each turn of the
 * reader asks only "am I the current turn?", so a `timeupdate` re-renders at most the two turns that change.
 */
import { type Translate, translate } from '../i18n/core.js';

/** Playback rates offered, slowest first (transcription tools go down to half speed and up to double). */
export const RATES = [0.5, 0.6, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2] as const;

/** How far the short rewind and forward jump, in seconds. */
export const SKIP_SECONDS = 5;

export interface PlaybackState {
  playing: boolean;
  /** Seconds from the start of the recording. */
  time: number;
  /** Seconds; 0 until the recording's length is known. */
  duration: number;
  rate: number;
  /** The reader scrolls to the turn being heard. */
  follow: boolean;
  /** The index of the turn being heard (the last timed turn starting at or before `time`), -1 for none. */
  current: number;
  /** Why the recording cannot be played, if it cannot (a format this browser does not decode...). */
  error: string | null;
}

const FOLLOW_KEY = 'accord.player.follow';
const RATE_KEY = 'accord.player.rate';

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not remembered; still applied.
  }
}

export class Playback {
  private element: HTMLMediaElement | null = null;
  private detach: (() => void) | null = null;
  /** The start time of each timed turn, by turn index (undefined for a turn without a time). */
  private times: readonly (number | undefined)[] = [];
  private readonly listeners = new Set<() => void>();
  private state: PlaybackState;

  constructor() {
    const rate = Number(stored(RATE_KEY));
    this.state = {
      playing: false,
      time: 0,
      duration: 0,
      rate: RATES.includes(rate as (typeof RATES)[number]) ? rate : 1,
      follow: stored(FOLLOW_KEY) !== 'off',
      current: -1,
      error: null,
    };
  }

  getSnapshot = (): PlaybackState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The media element the player renders (null when it unmounts). */
  attach(element: HTMLMediaElement | null): void {
    if (element === this.element) return;
    this.detach?.();
    this.detach = null;
    this.element = element;
    if (!element) {
      this.set({ playing: false });
      return;
    }
    element.playbackRate = this.state.rate;
    const sync = () =>
      this.set({
        playing: !element.paused && !element.ended,
        time: element.currentTime,
        duration: Number.isFinite(element.duration) ? element.duration : 0,
        rate: element.playbackRate,
      });
    const failed = () =>
      this.set({
        playing: false,
        error:
          element.error?.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED
            ? translate('media.codec')
            : translate('media.loadFailed'),
      });
    const events = [
      'timeupdate',
      'play',
      'playing',
      'pause',
      'ended',
      'seeked',
      'seeking',
      'ratechange',
      'durationchange',
      'loadedmetadata',
    ];
    for (const name of events) element.addEventListener(name, sync);
    element.addEventListener('error', failed);
    this.detach = () => {
      for (const name of events) element.removeEventListener(name, sync);
      element.removeEventListener('error', failed);
    };
    sync();
  }

  /** Turn start times, by turn index, for the current turn. */
  setTimes(times: readonly (number | undefined)[]): void {
    this.times = times;
    this.set({});
  }

  /** The turn heard at `time`: the timed turn with the latest start at or before it (the later turn on a tie). */
  turnAt(time: number): number {
    let best = -1;
    let bestTime = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.times.length; i++) {
      const start = this.times[i];
      if (start !== undefined && start <= time + 1e-3 && start >= bestTime) {
        best = i;
        bestTime = start;
      }
    }
    return best;
  }

  private set(patch: Partial<PlaybackState>): void {
    const next = { ...this.state, ...patch };
    next.current = this.turnAt(next.time);
    const before = this.state;
    if ((Object.keys(next) as (keyof PlaybackState)[]).every((key) => next[key] === before[key])) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  get hasMedia(): boolean {
    return this.element !== null;
  }

  play(): void {
    const element = this.element;
    if (!element) return;
    // A refused play (no user gesture yet, a format the browser cannot decode) leaves the player paused.
    element.play().catch(() => this.set({ playing: false }));
  }

  pause(): void {
    this.element?.pause();
  }

  toggle(): void {
    if (!this.element) return;
    if (this.element.paused) this.play();
    else this.pause();
  }

  seek(seconds: number): void {
    const element = this.element;
    if (!element) return;
    const end = Number.isFinite(element.duration) ? element.duration : Number.POSITIVE_INFINITY;
    element.currentTime = Math.max(0, Math.min(end, seconds));
    this.set({ time: element.currentTime });
  }

  /** Plays from `seconds` (a turn's timestamp). */
  playFrom(seconds: number): void {
    this.seek(seconds);
    this.play();
  }

  skip(seconds: number): void {
    if (this.element) this.seek(this.element.currentTime + seconds);
  }

  setRate(rate: number): void {
    remember(RATE_KEY, String(rate));
    if (this.element) this.element.playbackRate = rate;
    this.set({ rate });
  }

  /** One step along `RATES` (-1 slower, +1 faster). */
  stepRate(direction: -1 | 1): void {
    const at = RATES.findIndex((rate) => rate >= this.state.rate - 1e-9);
    const index = Math.max(0, Math.min(RATES.length - 1, (at < 0 ? RATES.indexOf(1) : at) + direction));
    this.setRate(RATES[index]!);
  }

  setFollow(follow: boolean): void {
    remember(FOLLOW_KEY, follow ? 'on' : 'off');
    this.set({ follow });
  }

  /** The playback position now (read from the element, not the last event). */
  now(): number {
    return this.element?.currentTime ?? this.state.time;
  }
}

/** `m:ss` or `h:mm:ss`, with tenths when asked (the player's position; turns show whole seconds). */
export function clock(seconds: number, tenths = false): string {
  const safe = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  const whole = Math.floor(safe);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  const fraction = tenths ? `.${Math.floor((safe - whole) * 10)}` : '';
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}${fraction}` : `${m}:${s}${fraction}`;
}

/** "1 minute 5 seconds": a position as a screen reader should say it. */
export function spokenClock(seconds: number, t: Translate = translate): string {
  const whole = Math.floor(Number.isFinite(seconds) && seconds > 0 ? seconds : 0);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const parts: string[] = [];
  if (h > 0) parts.push(t('clock.hours', { count: h }));
  if (m > 0) parts.push(t('clock.minutes', { count: m }));
  if (s > 0 || parts.length === 0) parts.push(t('clock.seconds', { count: s }));
  return parts.join(' ');
}
