import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Dialog, Popover } from 'react-aria-components';
import { dateTime } from '../i18n/format.js';
import { useIntl, useT } from '../i18n/index.js';
import './CodingDetails.css';
import type { CodebookView, LayerCoding } from '../sync/model.js';

export interface DetailsProps {
  codings: readonly LayerCoding[];
  codebook: CodebookView;
  anchor: DOMRect;
  text: string;
  ownCoder: string | null;
  coderName: (coder: string) => string;
  /** Where the coding lies in the recording, when its turns have times (null when they have none). */
  timeOf?: (coding: LayerCoding) => ReactNode;
  onRemove: (coding: LayerCoding) => void;
  onRecode: (coding: LayerCoding, code: string) => void;
  onMemo: (coding: LayerCoding, memo: string) => void;
  onClose: () => void;
}

/**
 * The codings at one spot: code, coder, date and memo; the coder's own ones can be removed, recoded, memoed. A React
 * Aria popover with a dialog, placed at the highlight or bracket that opened it: the focus moves into it and back
 * when it closes (Escape, Close, or a click outside).
 */
export function CodingDetails(props: DetailsProps) {
  const { codings, codebook, anchor } = props;
  const titleId = useId();
  const t = useT();
  // The popover is placed against an element: an invisible one over the spot that was clicked.
  const spot = useRef<HTMLSpanElement>(null);
  return (
    <>
      <span
        ref={spot}
        aria-hidden="true"
        style={{
          position: 'fixed',
          top: anchor.top,
          left: anchor.left,
          width: anchor.width,
          height: anchor.height,
          pointerEvents: 'none',
        }}
      />
      <Popover
        triggerRef={spot}
        isOpen
        onOpenChange={(isOpen) => !isOpen && props.onClose()}
        placement="bottom start"
        offset={6}
        className="details"
      >
        <Dialog aria-labelledby={titleId} className="details-dialog">
          <div className="details-head">
            <h2 id={titleId}>{t('details.here', { count: codings.length })}</h2>
            <button type="button" onClick={props.onClose} aria-label={t('details.close')}>
              ×
            </button>
          </div>
          {codings.map((coding) => (
            <CodingRow key={coding.id} {...props} coding={coding} own={coding.coder === props.ownCoder} />
          ))}
          {codebook.codes.length === 0 && <p className="muted">{t('details.emptyCodebook')}</p>}
        </Dialog>
      </Popover>
    </>
  );
}

function CodingRow({
  coding,
  own,
  codebook,
  text,
  coderName,
  timeOf,
  onRemove,
  onRecode,
  onMemo,
}: DetailsProps & { coding: LayerCoding; own: boolean }) {
  const code = codebook.byId.get(coding.resolvedCode);
  const [memo, setMemo] = useState(coding.memo ?? '');
  useEffect(() => setMemo(coding.memo ?? ''), [coding.memo]);
  const id = useId();
  const excerpt = text.slice(coding.start, coding.end);
  const t = useT();
  const intl = useIntl();
  return (
    <section
      className="coding-row"
      aria-label={t('details.by', { code: code?.name ?? t('details.unknownCode'), coder: coderName(coding.coder) })}
    >
      <p>
        <span className="swatch" style={{ background: code?.colour ?? '#999' }} aria-hidden="true" />{' '}
        <strong>{code?.name ?? t('details.unknownCode')}</strong> · {coderName(coding.coder)} ·{' '}
        <time dateTime={new Date(coding.createdAt).toISOString()}>{dateTime(intl, coding.createdAt)}</time>
      </p>
      <blockquote className="excerpt">{excerpt.length > 200 ? `${excerpt.slice(0, 200)}…` : excerpt}</blockquote>
      {timeOf?.(coding)}
      {own ? (
        <>
          <label htmlFor={`${id}-memo`}>{t('details.memo')}</label>
          <textarea
            id={`${id}-memo`}
            rows={2}
            value={memo}
            onChange={(event) => setMemo(event.target.value)}
            onBlur={() => memo !== (coding.memo ?? '') && onMemo(coding, memo)}
          />
          <div className="row">
            <label htmlFor={`${id}-recode`}>{t('details.recodeAs')}</label>
            <select
              id={`${id}-recode`}
              value={coding.resolvedCode}
              onChange={(event) => onRecode(coding, event.target.value)}
            >
              {codebook.codes.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </select>
            <button type="button" className="danger" onClick={() => onRemove(coding)}>
              {t('details.remove')}
            </button>
          </div>
        </>
      ) : (
        coding.memo && <p className="memo-preview">{t('details.memoPreview', { memo: coding.memo })}</p>
      )}
    </section>
  );
}
