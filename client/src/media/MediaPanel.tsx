import { useMutation } from '@tanstack/react-query';
import { type ChangeEvent, useCallback, useId, useRef, useState, useSyncExternalStore } from 'react';
import { errorText } from '../api/errors.js';
import { currentIntl, useT } from '../i18n/index.js';
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
  const t = useT();
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
        <h2 id={`${id}-title`}>{t('media.recording')}</h2>
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
            {t(collapsed ? 'media.more' : 'media.less')}
            <span className="visually-hidden">{t('media.playerControls')}</span>
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
        <p className="muted media-none">{t('media.none')}</p>
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
  const t = useT();
  const position = t('media.position', { time: spokenClock(state.time, t), duration: spokenClock(state.duration, t) });
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
      <div className="player-controls" role="group" aria-label={t('media.player')}>
        <button
          type="button"
          className="player-button"
          aria-label={t('media.back', { seconds: SKIP_SECONDS })}
          aria-keyshortcuts={PLAYER_KEYS.back.aria}
          title={t('media.backTitle', { seconds: SKIP_SECONDS, key: PLAYER_KEYS.back.label })}
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
          aria-label={t(state.playing ? 'media.pause' : 'media.play')}
          aria-keyshortcuts={PLAYER_KEYS.toggle.aria}
          title={t('media.toggleTitle', {
            action: t(state.playing ? 'media.pause' : 'media.play'),
            key: PLAYER_KEYS.toggle.label,
          })}
          onClick={() => playback.toggle()}
        >
          {state.playing ? <PauseIcon /> : <PlayIcon />}
        </button>
        <button
          type="button"
          className="player-button"
          aria-label={t('media.forward', { seconds: SKIP_SECONDS })}
          aria-keyshortcuts={PLAYER_KEYS.forward.aria}
          title={t('media.forwardTitle', { seconds: SKIP_SECONDS, key: PLAYER_KEYS.forward.label })}
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
        aria-label={t('media.seek')}
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
          <div className="player-rate" role="group" aria-label={t('media.speed')}>
            <span className="player-label" aria-hidden="true">
              {t('media.speedLabel')}
            </span>
            <button
              type="button"
              className="player-button small"
              aria-label={t('media.slower')}
              aria-keyshortcuts={PLAYER_KEYS.slower.aria}
              title={t('media.slowerTitle', { key: PLAYER_KEYS.slower.label })}
              disabled={rateIndex === 0}
              onClick={() => playback.stepRate(-1)}
            >
              −
            </button>
            <output className="player-rate-value" aria-live="polite" aria-label={t('media.speed')}>
              {formatRate(state.rate)}
            </output>
            <button
              type="button"
              className="player-button small"
              aria-label={t('media.faster')}
              aria-keyshortcuts={PLAYER_KEYS.faster.aria}
              title={t('media.fasterTitle', { key: PLAYER_KEYS.faster.label })}
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
            title={t('media.followTitle')}
            onClick={() => playback.setFollow(!state.follow)}
          >
            <FollowIcon /> {t('media.follow')}
          </button>
          {canAlign && (
            <button
              type="button"
              className="player-toggle"
              aria-pressed={aligning}
              title={t('media.alignTitle')}
              onClick={() => onAligningChange(!aligning)}
            >
              {t('media.align')}
            </button>
          )}
        </div>
        {!timed && <p className="muted player-hint">{t(canAlign ? 'media.noTimesAlign' : 'media.noTimes')}</p>}
        <p className="muted player-keys">
          {t('media.keys')}{' '}
          <span>
            <kbd>{PLAYER_KEYS.toggle.label}</kbd> {t('media.keyToggle')}
          </span>{' '}
          <span>
            <kbd>Alt+←/→</kbd> {t('media.keySkip', { seconds: SKIP_SECONDS })}
          </span>{' '}
          <span>
            <kbd>Alt+↓/↑</kbd> {t('media.keyRate')}
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
  return `${currentIntl().formatNumber(rate, { maximumFractionDigits: 2 })}×`;
}

function formatBytes(bytes: number): string {
  const number = (value: number, digits: number) =>
    currentIntl().formatNumber(value, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (bytes < 1024 * 1024) return `${number(Math.max(1, Math.round(bytes / 1024)), 0)} KB`;
  if (bytes < 1024 ** 3) return `${number(bytes / 1024 ** 2, 1)} MB`;
  return `${number(bytes / 1024 ** 3, 2)} GB`;
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
  const t = useT();

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
      setDone(t('media.attached', { name: attached.name, size: formatBytes(attached.bytes) }));
    },
  });
  const remove = useMutation({
    mutationFn: () => removeMedia(projectId, transcriptId),
    onSuccess: async () => {
      await onChanged();
      setDone(t('media.removed'));
    },
  });

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setDone(null);
    upload.reset();
    remove.reset();
    const why = mediaFileProblem(file, t);
    setProblem(why);
    if (why === null) upload.mutate(file);
  };

  const busy = upload.isPending || remove.isPending;
  const error =
    problem !== null || upload.error
      ? t('media.nothingAttached', { why: problem ?? uploadErrorText(upload.error, t) })
      : remove.error
        ? t('media.notRemoved', { why: errorText(remove.error) })
        : null;
  const percent = progress && progress.total > 0 ? Math.floor((progress.sent / progress.total) * 100) : 0;
  return (
    <div className="media-manage">
      <input
        ref={input}
        type="file"
        accept={MEDIA_ACCEPT}
        hidden
        aria-label={t('media.file')}
        data-testid="media-file"
        onChange={choose}
      />
      <div className="media-actions">
        <Button size="sm" isDisabled={busy} onPress={() => input.current?.click()}>
          {t(media ? 'media.replace' : 'media.attach')}
        </Button>
        {media && (
          <Button size="sm" variant="danger" isDisabled={busy} onPress={() => setConfirming(true)}>
            {t('media.remove')}
          </Button>
        )}
      </div>
      {progress && (
        <div className="media-progress">
          <progress
            value={progress.sent}
            max={Math.max(1, progress.total)}
            aria-label={t('media.uploading', { name: progress.name })}
            aria-valuetext={`${percent}%`}
          />
          <span className="muted" data-testid="upload-progress">
            {t('media.progress', { percent, sent: formatBytes(progress.sent), total: formatBytes(progress.total) })}
          </span>
          <Button size="sm" variant="quiet" onPress={() => cancel.current?.abort()}>
            {t('media.cancelUpload')}
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
          title={t('media.removeTitle')}
          role="alertdialog"
          isOpen
          onOpenChange={(open) => !open && setConfirming(false)}
        >
          {(close) => (
            <>
              <p>{t('media.removeBody', { name: media.name })}</p>
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
                  {t('media.removeButton')}
                </Button>
                <Button onPress={close}>{t('media.keep')}</Button>
              </div>
            </>
          )}
        </Dialog>
      )}
    </div>
  );
}
