import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import type { CodebookView, LayerCoding } from '../sync/model.js';

export interface DetailsProps {
  codings: readonly LayerCoding[];
  codebook: CodebookView;
  anchor: DOMRect;
  text: string;
  ownCoder: string | null;
  coderName: (coder: string) => string;
  onRemove: (coding: LayerCoding) => void;
  onRecode: (coding: LayerCoding, code: string) => void;
  onMemo: (coding: LayerCoding, memo: string) => void;
  onClose: () => void;
}

/** The codings at one spot: code, coder, date and memo; the coder's own ones can be removed, recoded, memoed. */
export function CodingDetails(props: DetailsProps) {
  const { codings, codebook, anchor } = props;
  const dialog = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    dialog.current?.querySelector<HTMLElement>('button, select, textarea')?.focus();
    return () => previous?.focus?.();
  }, []);
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      props.onClose();
    }
  };
  const top = Math.min(anchor.bottom + 6, window.innerHeight - 360);
  const left = Math.max(8, Math.min(anchor.left, window.innerWidth - 380));
  return (
    <div
      className="details"
      role="dialog"
      aria-labelledby={titleId}
      ref={dialog}
      onKeyDown={onKey}
      style={{ top, left }}
    >
      <div className="details-head">
        <h2 id={titleId}>
          {codings.length} coding{codings.length === 1 ? '' : 's'} here
        </h2>
        <button type="button" onClick={props.onClose} aria-label="Close">
          ×
        </button>
      </div>
      {codings.map((coding) => (
        <CodingRow key={coding.id} {...props} coding={coding} own={coding.coder === props.ownCoder} />
      ))}
      {codebook.codes.length === 0 && <p className="muted">The codebook is empty.</p>}
    </div>
  );
}

function CodingRow({
  coding,
  own,
  codebook,
  text,
  coderName,
  onRemove,
  onRecode,
  onMemo,
}: DetailsProps & { coding: LayerCoding; own: boolean }) {
  const code = codebook.byId.get(coding.resolvedCode);
  const [memo, setMemo] = useState(coding.memo ?? '');
  useEffect(() => setMemo(coding.memo ?? ''), [coding.memo]);
  const id = useId();
  const excerpt = text.slice(coding.start, coding.end);
  return (
    <section className="coding-row" aria-label={`${code?.name ?? 'Unknown code'} by ${coderName(coding.coder)}`}>
      <p>
        <span className="swatch" style={{ background: code?.colour ?? '#999' }} aria-hidden="true" />{' '}
        <strong>{code?.name ?? 'Unknown code'}</strong> · {coderName(coding.coder)} ·{' '}
        <time dateTime={new Date(coding.createdAt).toISOString()}>{new Date(coding.createdAt).toLocaleString()}</time>
      </p>
      <blockquote className="excerpt">{excerpt.length > 200 ? `${excerpt.slice(0, 200)}…` : excerpt}</blockquote>
      {own ? (
        <>
          <label htmlFor={`${id}-memo`}>Memo</label>
          <textarea
            id={`${id}-memo`}
            rows={2}
            value={memo}
            onChange={(event) => setMemo(event.target.value)}
            onBlur={() => memo !== (coding.memo ?? '') && onMemo(coding, memo)}
          />
          <div className="row">
            <label htmlFor={`${id}-recode`}>Recode as</label>
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
              Remove coding
            </button>
          </div>
        </>
      ) : (
        coding.memo && <p className="memo-preview">Memo: {coding.memo}</p>
      )}
    </section>
  );
}
