import type { Code } from '@accord/shared';
import { buildTree, flattenTree } from '../codebook/tree.js';
import { useT } from '../i18n/index.js';
import type { AnalysisFilters, AnalysisOptions } from './api.js';

/**
 * The filters shared by retrieval and statistics: which codes, participant attributes, rounds and text (what is
 * analysed, the scope, is chosen once for every view by the scope selector). Values of one attribute are alternatives; attributes combine.
 */
export function FiltersPanel({
  options,
  codes,
  filters,
  onChange,
}: {
  options: AnalysisOptions;
  codes: readonly Code[];
  filters: AnalysisFilters;
  onChange: (filters: AnalysisFilters) => void;
}) {
  const set = (patch: Partial<AnalysisFilters>) => onChange({ ...filters, ...patch });
  const toggle = (list: readonly string[], value: string) =>
    list.includes(value) ? list.filter((item) => item !== value) : [...list, value];
  const nodes = flattenTree(buildTree(codes));
  const t = useT();
  return (
    <form className="analysis-filters" aria-label={t('filters.label')} onSubmit={(event) => event.preventDefault()}>
      <fieldset>
        <legend>{t('filters.codes')}</legend>
        <select
          multiple
          aria-label={t('filters.codes')}
          size={Math.min(8, Math.max(3, nodes.length))}
          value={filters.codes}
          onChange={(event) => set({ codes: [...event.target.selectedOptions].map((option) => option.value) })}
        >
          {nodes.map((node) => (
            <option key={node.code.id} value={node.code.id}>
              {`${'\u00a0\u00a0'.repeat(node.depth)}${node.code.name}`}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" checked={filters.subcodes} onChange={(e) => set({ subcodes: e.target.checked })} />{' '}
          {t('filters.subcodes')}
        </label>
      </fieldset>
      {Object.entries(options.attributes).map(([key, values]) => (
        <fieldset key={key}>
          <legend>{key}</legend>
          {values.map((value) => (
            <label key={value}>
              <input
                type="checkbox"
                checked={filters.attributes[key]?.includes(value) ?? false}
                onChange={() => {
                  const next = toggle(filters.attributes[key] ?? [], value);
                  const { [key]: _dropped, ...others } = filters.attributes;
                  set({ attributes: next.length > 0 ? { ...others, [key]: next } : others });
                }}
              />{' '}
              {value || t('filters.none')}
            </label>
          ))}
        </fieldset>
      ))}
      {options.rounds.length > 0 && (
        <fieldset>
          <legend>{t('filters.rounds')}</legend>
          {options.rounds.map((round) => (
            <label key={round.id}>
              <input
                type="checkbox"
                checked={filters.rounds.includes(round.id)}
                onChange={() => set({ rounds: toggle(filters.rounds, round.id) })}
              />{' '}
              {round.name}
            </label>
          ))}
        </fieldset>
      )}
      <fieldset>
        <legend>{t('filters.text')}</legend>
        <input
          type="search"
          aria-label={t('filters.contains')}
          placeholder={t('filters.containsPlaceholder')}
          value={filters.contains}
          onChange={(event) => set({ contains: event.target.value })}
        />
      </fieldset>
    </form>
  );
}
