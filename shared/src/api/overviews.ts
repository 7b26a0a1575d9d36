/**
 * What the REST API answers for the visual overviews of the Statistics tab (server/src/http/routes/analysis.ts):
 * the code x transcript matrix and codes compared across groups (attribute values or speakers). Frequencies and
 * co-occurrence have their own endpoints. Every answer says what it counted (`counted`), like every analysis answer.
 */
import type { GroupCell } from '../analysis/groups.js';
import type { CodeTotal, MatrixCell } from '../analysis/matrix.js';
import type { AnalysisLayer, CountedDescription } from './analysis.js';

/** A code as a row of an overview, in tree order. */
export interface OverviewCode {
  id: string;
  /** Names from the top-level code down. */
  path: string[];
  colour: string;
  /** The nearest ancestor that is also a row (null at the top). */
  parent: string | null;
  depth: number;
  hasChildren: boolean;
}

/** `GET /api/projects/<p>/analysis/matrix`: codes (rows, tree order) by transcript (columns). */
export interface CodeMatrixResponse {
  layers: AnalysisLayer[];
  counted: CountedDescription;
  /** Whether subcodes count for their parents (`rollUp=true`, the default). */
  rollUp: boolean;
  codes: OverviewCode[];
  transcripts: {
    id: string;
    title: string;
    participant: string;
    attributes: Record<string, string>;
    /** Characters (UTF-16 code units) of its text: what coverage is a share of. */
    length: number;
  }[];
  /** `cells[code][transcript]`. */
  cells: MatrixCell[][];
  codeTotals: CodeTotal[];
  transcriptTotals: MatrixCell[];
}

/** `GET /api/projects/<p>/analysis/groups`: codes (rows, tree order) by attribute value or by speaker. */
export interface GroupComparisonResponse {
  layers: AnalysisLayer[];
  counted: CountedDescription;
  by: 'attribute' | 'speaker';
  /** The attribute compared (null by speaker). */
  attribute: string | null;
  rollUp: boolean;
  codes: OverviewCode[];
  groups: {
    /** The attribute value (`''` when a transcript lacks it) or the speaker label. */
    value: string;
    /** How it is shown: the value, or `(none)` for `''`. */
    label: string;
    transcripts: number;
  }[];
  /** `cells[code][group]`. */
  cells: GroupCell[][];
  codeTotals: CodeTotal[];
}
