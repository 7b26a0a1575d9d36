import type { AnalysisScope, FrequencyCell } from '@accord/shared';
import { useMemo } from 'react';
import { type Counted, NO_FILTERS, useFrequency } from '../api.js';

/**
 * How many codings each code has in the analysis scope (the same count as Statistics, each code on its own, not
 * rolled up into its parent), and what was counted, in words.
 */
export function useCodeCounts(
  project: string,
  scope: AnalysisScope,
): { counts: ReadonlyMap<string, FrequencyCell> | null; counted: Counted | null; error: unknown } {
  const filters = useMemo(() => ({ ...NO_FILTERS, scope }), [scope]);
  const { data, error } = useFrequency(project, filters, 'transcript', undefined, false);
  const counts = useMemo(
    () => (data ? new Map(data.codes.map((code, row) => [code.id, data.totals[row]!])) : null),
    [data],
  );
  return { counts, counted: data?.counted ?? null, error };
}
