import { useMutation } from '@tanstack/react-query';
import { type ChangeEvent, useCallback, useId, useRef, useState, useSyncExternalStore } from 'react';
import { errorText } from '../api/errors.js';
import { Button } from '../ui/Button.js';
import { Dialog } from '../ui/Dialog.js';
import {
  MEDIA_ACCEPT,
  mediaFileProblem,
  mediaUrl,
  removeMedia,
  type TranscriptMedia,
  type UploadProgress,
  uploadErrorText,
  uploadMedia,
} from './api.js';
import { FollowIcon, PauseIcon, PlayIcon, SkipIcon } from './icons.js';
import { clock, type Playback, RATES, SKIP_SECONDS, spokenClock } from './playback.js';
import { PLAYER_KEYS } from './shortcuts.js';
import './media.css';

export interface MediaPanelProps {
  projectId: string;
  transcriptId: string;
  media: TranscriptMedia | undefined;
  playback: Playback;
  /** Owners of a project that is not archived attach, replace and remove the recording. */
  canManage: boolean;
  /** Whoever may edit the text may set turns' start times by hand. */
  canAlign: boolean;
  aligning: boolean;
  onAligningChange: (aligning: boolean) => void;
  /** Whether any turn has a time (else the panel says how to align by hand). */
  timed: boolean;
  /** Reloads the transcript's metadata after the recording changed. */
  onChanged: () => Promise<void>;
}

const COLLAPSED_KEY = 'accord.player.collapsed';

/**
 * The recording beside the transcript (top of the side panel): the player with its own controls, and for owners
 * attaching, replacing and removing the file, with the upload's progress and the server's reasons for a refusal.
 */
export function MediaPanel(props: MediaPanelProps) {
  const { media, canManage } = props;
  const id = useId();
  const [collapsed, setCollapsedState] = useState(() => {
    try {
      return localStorage.getItem(COLLAPSED_KEY) === '1';
    } catch {
      return false;
    }
  });
  const setCollapsed = (value: boolean) => {
    setCollapsedState(value);
    try {
      localStorage.setItem(COLLAPSED_KEY, value ? '1' : '0');
    } catch {
      // Not remembered.
    }
  };
  if (!media && !canManage) return null;
  return (
    <section
      className={collapsed ? 'media-panel collapsed' : 'media-panel'}
      aria-labelledby={`${id}-title`}
      data-testid="media-panel"
    >
      <div className="media-head">
        <h2 id={`${id}-title`}>Recording</h2>
        {media && (
          <span className="media-name" title={media.name}>
            {media.name}
          </span>
        )}
        {media && (
          <button
            type="button"
            className="media-collapse"
            aria-expanded={!collapsed}
            aria-controls={`${id}-more`}
            onClick={() => setCollapsed(!collapsed)}
          >
            {collapsed ? 'More' : 'Less'}
            <span className="visually-hidden"> player controls</span>
          </button>
        )}
      </div>
      {media ? (
        <Player
          key={media.sha256}
          src={mediaUrl(props.projectId, props.transcriptId, media)}
          media={media}
          playback={props.playback}
          moreId={`${id}-more`}
          collapsed={collapsed}
          canAlign={props.canAlign}
          aligning={props.aligning}
          onAligningChange={props.onAligningChange}
          timed={props.timed}
        />
      ) : (
        <p className="muted media-none">
          No recording yet. Attach the interview’s audio or video to listen while you code; turns with timestamps play
          from their time.
        </p>
      )}
      {canManage && (!collapsed || !media) && (
        <MediaManage
          projectId={props.projectId}
          transcriptId={props.transcriptId}
          media={media}
          onChanged={props.onChanged}
        />
      )}
    </section>
  );
}

function Player({
  src,
  media,
  playback,
  moreId,
  collapsed,
  canAlign,
  aligning,
  onAligningChange,
  timed,
}: {
  src: string;
  media: TranscriptMedia;
  playback: Playback;
  moreId: string;
  collapsed: boolean;
  canAlign: boolean;
  aligning: boolean;
  onAligningChange: (aligning: boolean) => void;
  timed: boolean;
}) {
  const state = useSyncExternalStore(playback.subscribe, playback.getSnapshot);
  const attach = useCallback((element: HTMLMediaElement | null) => playback.attach(element), [playback]);
  const video = media.type.startsWith('video/');
  const rateIndex = RATES.indexOf(state.rate as (typeof RATES)[number]);
  const position = `${spokenClock(state.time)} of ${spokenClock(state.duration)}`;
  return (
    <div className="player">
      {video ? (
        // Captions: the transcript beside it is the text of what is said.
        // biome-ignore lint/a11y/useMediaCaption: the synchronised transcript is the video's text alternative
        <video
          ref={attach}
          src={src}
          preload="metadata"
          playsInline
          className={collapsed ? 'player-video hidden' : 'player-video'}
          data-testid="player-media"
        />
      ) : (
        // biome-ignore lint/a11y/useMediaCaption: an audio recording of the transcript beside it
        <audio ref={attach} src={src} preload="metadata" data-testid="player-media" />
      )}
      {/* biome-ignore lint/a11y/useSemanticElements: a toolbar of buttons, not a form's fieldset */}
      <div className="player-controls" role="group" aria-label="Player">
        <button
          type="button"
          className="player-button"
          aria-label={`Back ${SKIP_SECONDS} seconds`}
          aria-keyshortcuts={PLAYER_KEYS.back.aria}
          title={`Back ${SKIP_SECONDS} s (${PLAYER_KEYS.back.label})`}
          onClick={() => playback.skip(-SKIP_SECONDS)}
        >
          <SkipIcon />
          <span className="skip-seconds" aria-hidden="true">
            {SKIP_SECONDS}
          </span>
        </button>
        <button
          type="button"
          className="player-button play"
          aria-label={state.playing ? 'Pause' : 'Play'}
          aria-keyshortcuts={PLAYER_KEYS.toggle.aria}
          title={`${state.playing ? 'Pause' : 'Play'} (${PLAYER_KEYS.toggle.label})`}
          onClick={() => playback.toggle()}
        >
          {state.playing ? <PauseIcon /> : <PlayIcon />}
        </button>
        <button
          type="button"
          className="player-button"
          aria-label={`Forward ${SKIP_SECONDS} seconds`}
          aria-keyshortcuts={PLAYER_KEYS.forward.aria}
          title={`Forward ${SKIP_SECONDS} s (${PLAYER_KEYS.forward.label})`}
          onClick={() => playback.skip(SKIP_SECONDS)}
        >
          <span className="skip-seconds" aria-hidden="true">
            {SKIP_SECONDS}
          </span>
          <SkipIcon forward />
        </button>
        <span className="player-clock" data-testid="player-clock">
          {clock(state.time, true)}
          <span className="muted"> / {clock(state.duration)}</span>
        </span>
        {state.rate !== 1 && (
          <span className="player-rate-badge" aria-hidden="true">
            {formatRate(state.rate)}
          </span>
        )}
      </div>
      <input
        type="range"
        className="player-seek"
        aria-label="Position in the recording"
        aria-valuetext={position}
        min={0}
        max={state.duration || 0}
        step={0.1}
        value={Math.min(state.time, state.duration || 0)}
        disabled={state.duration === 0}
        onChange={(event: ChangeEvent<HTMLInputElement>) => playback.seek(Number(event.target.value))}
      />
      <div id={moreId} className="player-more" hidden={collapsed}>
        <div className="player-options">
          {/* biome-ignore lint/a11y/useSemanticElements: two buttons and their value, not a form's fieldset */}
          <div className="player-rate" role="group" aria-label="Playback speed">
            <span className="player-label" aria-hidden="true">
              Speed
            </span>
            <button
              type="button"
              className="player-button small"
              aria-label="Slower"
              aria-keyshortcuts={PLAYER_KEYS.slower.aria}
              title={`Slower (${PLAYER_KEYS.slower.label})`}
              disabled={rateIndex === 0}
              onClick={() => playback.stepRate(-1)}
            >
              −
            </button>
            <output className="player-rate-value" aria-live="polite" aria-label="Playback speed">
              {formatRate(state.rate)}
            </output>
            <button
              type="button"
              className="player-button small"
              aria-label="Faster"
              aria-keyshortcuts={PLAYER_KEYS.faster.aria}
              title={`Faster (${PLAYER_KEYS.faster.label})`}
              disabled={rateIndex === RATES.length - 1}
              onClick={() => playback.stepRate(1)}
            >
              +
            </button>
          </div>
          <button
            type="button"
            className="player-toggle"
            aria-pressed={state.follow}
            title="Scroll the transcript to the turn being heard"
            onClick={() => playback.setFollow(!state.follow)}
          >
            <FollowIcon /> Follow
          </button>
          {canAlign && (
            <button
              type="button"
              className="player-toggle"
              aria-pressed={aligning}
              title="Each turn offers “Set start”: its start time becomes the playback position"
              onClick={() => onAligningChange(!aligning)}
            >
              Set turn starts
            </button>
          )}
        </div>
        {!timed && (
          <p className="muted player-hint">
            {canAlign
              ? 'This transcript has no timestamps. Turn on “Set turn starts”, play, and press “Set start” on each turn as you hear it begin.'
              : 'This transcript has no timestamps: the turns cannot follow the recording until an owner aligns them.'}
          </p>
        )}
        <p className="muted player-keys">
          Keys:{' '}
          <span>
            <kbd>{PLAYER_KEYS.toggle.label}</kbd> play or pause ·
          </span>{' '}
          <span>
            <kbd>Alt+←/→</kbd> {SKIP_SECONDS} s back or on ·
          </span>{' '}
          <span>
            <kbd>Alt+↓/↑</kbd> slower or faster
          </span>
        </p>
      </div>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
    </div>
  );
}

function formatRate(rate: number): string {
  return `${rate.toLocaleString(undefined, { maximumFractionDigits: 2 })}×`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function MediaManage({
  projectId,
  transcriptId,
  media,
  onChanged,
}: {
  projectId: string;
  transcriptId: string;
  media: TranscriptMedia | undefined;
  onChanged: () => Promise<void>;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<(UploadProgress & { name: string }) | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const cancel = useRef<AbortController | null>(null);

  const upload = useMutation({
    mutationFn: async (file: File) => {
      const controller = new AbortController();
      cancel.current = controller;
      try {
        return await uploadMedia(
          projectId,
          transcriptId,
          file,
          (sent) => setProgress({ ...sent, name: file.name }),
          controller.signal,
        );
      } finally {
        cancel.current = null;
        setProgress(null);
      }
    },
    onSuccess: async (attached) => {
      await onChanged();
      setDone(`Attached ${attached.name} (${formatBytes(attached.bytes)}).`);
    },
  });
  const remove = useMutation({
    mutationFn: () => removeMedia(projectId, transcriptId),
    onSuccess: async () => {
      await onChanged();
      setDone('The recording was removed.');
    },
  });

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setDone(null);
    upload.reset();
    remove.reset();
    const why = mediaFileProblem(file);
    setProblem(why);
    if (why === null) upload.mutate(file);
  };

  const busy = upload.isPending || remove.isPending;
  const error =
    problem !== null || upload.error
      ? `Nothing was attached. ${problem ?? uploadErrorText(upload.error)}`
      : remove.error
        ? `The recording was not removed. ${errorText(remove.error)}`
        : null;
  const percent = progress && progress.total > 0 ? Math.floor((progress.sent / progress.total) * 100) : 0;
  return (
    <div className="media-manage">
      <input
        ref={input}
        type="file"
        accept={MEDIA_ACCEPT}
        hidden
        aria-label="Recording file"
        data-testid="media-file"
        onChange={choose}
      />
      <div className="media-actions">
        <Button size="sm" isDisabled={busy} onPress={() => input.current?.click()}>
          {media ? 'Replace recording…' : 'Attach a recording…'}
        </Button>
        {media && (
          <Button size="sm" variant="danger" isDisabled={busy} onPress={() => setConfirming(true)}>
            Remove recording
          </Button>
        )}
      </div>
      {progress && (
        <div className="media-progress">
          <progress
            value={progress.sent}
            max={Math.max(1, progress.total)}
            aria-label={`Uploading ${progress.name}`}
            aria-valuetext={`${percent}%`}
          />
          <span className="muted" data-testid="upload-progress">
            {percent}% · {formatBytes(progress.sent)} of {formatBytes(progress.total)}
          </span>
          <Button size="sm" variant="quiet" onPress={() => cancel.current?.abort()}>
            Cancel upload
          </Button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <output className="ok media-done" aria-live="polite">
        {done}
      </output>
      {confirming && media && (
        <Dialog
          title="Remove the recording?"
          role="alertdialog"
          isOpen
          onOpenChange={(open) => !open && setConfirming(false)}
        >
          {(close) => (
            <>
              <p>
                {media.name} is removed from this transcript for everyone. The transcript, its timestamps and all
                codings stay.
              </p>
              <div className="row">
                <Button
                  variant="danger"
                  onPress={() => {
                    close();
                    setDone(null);
                    setProblem(null);
                    upload.reset();
                    remove.mutate();
                  }}
                >
                  Remove
                </Button>
                <Button onPress={close}>Keep it</Button>
              </div>
            </>
          )}
        </Dialog>
      )}
    </div>
  );
}
