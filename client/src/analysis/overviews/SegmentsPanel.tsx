import type { RetrievedSegment } from '@accord/shared';
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
  const count = segments === null ? 'loading…' : `${segments.length} segment${segments.length === 1 ? '' : 's'}`;
  return (
    <section className="overview-segments" aria-label={`Segments: ${title}`} data-testid={testId}>
      <div className="overview-segments-head">
        <h3 aria-live="polite">
          {title}: {count}
        </h3>
        <span className="spacer" />
        <Button size="sm" variant="quiet" onPress={onClose}>
          Close
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
                <span> · {segment.layers.map(layerName).join(' & ')}</span>
              </div>
              <blockquote>{segment.text}</blockquote>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
