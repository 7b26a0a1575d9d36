import { type MessageId, useT } from '../../i18n/index.js';

/** The "Show" choice of an overview: which measure its cells hold (segments, characters, shares...). */
export function MeasureSelect<M extends string>({
  id,
  value,
  measures,
  onChange,
}: {
  id: string;
  value: M;
  measures: readonly { id: M; label: MessageId }[];
  onChange: (measure: M) => void;
}) {
  const t = useT();
  return (
    <span className="overview-control">
      <label htmlFor={id}>{t('overview.show')}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as M)}>
        {measures.map((m) => (
          <option key={m.id} value={m.id}>
            {t(m.label)}
          </option>
        ))}
      </select>
    </span>
  );
}
