import type { CodeMatrixResponse, GroupComparisonResponse, SegmentsResponse } from '@accord/shared';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { keys } from '../../api/queries.js';
import { useDebounced } from '../../api/useDebounced.js';
import { request } from '../../api.js';
import { type AnalysisFilters, analysisApi, FILTER_DEBOUNCE_MS, filterQuery } from '../api.js';

/**
 * The overviews' queries (TanStack Query), keyed under `keys.analysis(project)` like every analysis view, so a
 * change of coding that invalidates analysis reaches them too. Statistics count codings, not text, so the
 * "segment contains" filter is not theirs: it is left out of their queries (and so of their keys), and a cell's
 * drill-down leaves it out too, so that a cell retrieves exactly what it counts.
 */
export function countingFilters(filters: AnalysisFilters): AnalysisFilters {
  return filters.contains === '' ? filters : { ...filters, contains: '' };
}

/** Analysis answers depend on documents that sync outside the query layer: asked again whenever shown. */
const fresh = { staleTime: 0 } as const;

export function useCodeMatrix(project: string, filters: AnalysisFilters, rollUp: boolean) {
  const settled = useDebounced(filters, FILTER_DEBOUNCE_MS);
  return useQuery({
    queryKey: keys.analysisView(project, 'matrix', { filters: settled, rollUp }),
    queryFn: () =>
      request<CodeMatrixResponse>(
        'GET',
        `${analysisApi.base(project)}/matrix?${filterQuery(settled, { rollUp: String(rollUp) })}`,
      ),
    placeholderData: keepPreviousData,
    ...fresh,
  });
}

export type GroupBy = { by: 'attribute'; attribute: string } | { by: 'speaker' };

export function useGroupComparison(project: string, filters: AnalysisFilters, group: GroupBy, rollUp: boolean) {
  const settled = useDebounced(filters, FILTER_DEBOUNCE_MS);
  return useQuery({
    queryKey: keys.analysisView(project, 'groups', { filters: settled, group, rollUp }),
    queryFn: () =>
      request<GroupComparisonResponse>(
        'GET',
        `${analysisApi.base(project)}/groups?${filterQuery(settled, {
          by: group.by,
          attribute: group.by === 'attribute' ? group.attribute : undefined,
          rollUp: String(rollUp),
        })}`,
      ),
    placeholderData: keepPreviousData,
    ...fresh,
  });
}

/** What one cell of an overview retrieves: a code (with its subcodes when they were counted for it) somewhere. */
export interface CellQuery {
  code: string;
  subcodes: boolean;
  /** One transcript (a matrix cell). */
  transcript?: string;
  /** One value of one attribute (a group comparison cell); it replaces the filter's values of that attribute. */
  attribute?: { key: string; value: string };
  /** One speaker (a group comparison by speaker): segments overlapping a turn of theirs, chosen in the browser. */
  speaker?: string;
}

/** The filters and extra parameters of a cell's retrieval. */
export function cellRetrieval(filters: AnalysisFilters, cell: CellQuery): string {
  const attributes = { ...filters.attributes };
  if (cell.attribute) attributes[cell.attribute.key] = [cell.attribute.value];
  return filterQuery(
    { ...filters, codes: [cell.code], subcodes: cell.subcodes, attributes, contains: '' },
    { transcript: cell.transcript },
  );
}

/** The segments behind a cell (null: no cell open, nothing asked). */
export function useCellSegments(project: string, filters: AnalysisFilters, cell: CellQuery | null) {
  return useQuery({
    queryKey: keys.analysisView(project, 'cell-segments', { filters, cell }),
    queryFn: async () => {
      const answer = await request<SegmentsResponse>(
        'GET',
        `${analysisApi.base(project)}/segments?${cellRetrieval(filters, cell!)}`,
      );
      const speaker = cell?.speaker;
      return speaker === undefined
        ? answer
        : { ...answer, segments: answer.segments.filter((segment) => segment.speakers.includes(speaker)) };
    },
    enabled: cell !== null,
    ...fresh,
  });
}
