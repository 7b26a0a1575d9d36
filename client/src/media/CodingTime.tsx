import type { CodingTimes } from '@accord/shared';
import { useT } from '../i18n/index.js';
import { clock, type Playback } from './playback.js';

/**
 * Where a coding lies in the recording (from the times of the turns it spans), in its details; with a recording
 * attached, a button plays from its start.
 */
export function CodingTime({ span, playback }: { span: CodingTimes; playback: Playback | null }) {
  const t = useT();
  const from = clock(span.startTime, true);
  const to = span.endTime === null ? null : clock(span.endTime, true);
  return (
    <p className="coding-time" data-testid="coding-time">
      <span className="muted">{t('codingTime.inRecording')}</span>
      <time dateTime={`PT${span.startTime}S`}>{from}</time>
      {to !== null && (
        <>
          {' – '}
          <time dateTime={`PT${span.endTime}S`}>{to}</time>
        </>
      )}
      {playback && (
        <>
          {' '}
          <button type="button" className="coding-play" onClick={() => playback.playFrom(span.startTime)}>
            {t('codingTime.playFrom', { time: clock(span.startTime) })}
          </button>
        </>
      )}
    </p>
  );
}
