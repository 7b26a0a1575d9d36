import type { RetrievedSegment } from '@accord/shared';
import { useT } from '../../i18n/index.js';
import { passageHref } from '../../importExport/passage.js';
import { Link } from '../../router.js';
import { Button } from '../../ui/Button.js';

/**
 * The segments behind an opened cell, under the overview: each with its transcript (a link to the passage),
 * participant, code, speakers and the layers that coded it. The heading is a live region, so opening a cell from
 * the keyboard says what was opened and how many segments it has without moving focus out of the grid.
 */
export function SegmentsPanel({
  project,
  title,
  segments,
  error,
  layerName,
  onClose,
  testId = 'overview-segments',
}: {
  project: string;
  /** What the cell is ("Care › Cost in Interview 1"). */
  title: string;
  /** Null while loading. */
  segments: readonly RetrievedSegment[] | null;
  error: string | null;
  layerName: (layer: string) => string;
  onClose: () => void;
  testId?: string;
}) {
  const t = useT();
  const count = segments === null ? t('overview.loading') : t('overview.segmentCount', { count: segments.length });
  return (
    <section className="overview-segments" aria-label={t('overview.segmentsOf', { title })} data-testid={testId}>
      <div className="overview-segments-head">
        <h3 aria-live="polite">{t('overview.panelHeading', { title, count })}</h3>
        <span className="spacer" />
        <Button size="sm" variant="quiet" onPress={onClose}>
          {t('overview.close')}
        </Button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {segments !== null && segments.length > 0 && (
        <ol className="segments">
          {segments.map((segment) => (
            <li key={`${segment.layer}-${segment.codingId}`} className="segment" data-testid="overview-segment">
              <div className="segment-meta">
                <Link href={passageHref(project, segment.transcript, segment)}>{segment.title}</Link>
                {segment.participant && <span> · {segment.participant}</span>}
                <span>
                  {' '}
                  · <strong>{segment.codePath.join(' › ')}</strong>
                </span>
                {segment.speakers.length > 0 && <span> · {segment.speakers.join(', ')}</span>}
                <span>
                  {' '}
                  ·{' '}
                  {segment.layers
                    .map(layerName)
                    .sort((a, b) => a.localeCompare(b))
                    .join(' & ')}
                </span>
              </div>
              <blockquote>{segment.text}</blockquote>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
