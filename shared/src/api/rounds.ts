import type { SpansReport } from '../agreement/spans.js';
import type { ConsensusCoding, DecisionRecord } from '../model/consensus.js';
import type { ReviewItem } from '../rounds/disagreements.js';
import type { UnitKind } from '../rounds/spansInput.js';
import type { CodeSummary, Thresholds } from '../rounds/summary.js';

/**
 * What the REST API answers about coding rounds (server/src/http/routes/rounds.ts). The routes check their JSON
 * answers against these types (`satisfies`) and the web client reads them: one definition on both sides.
 */

/** One transcript assigned to the signed-in coder in a round. */
export interface Assignment {
  transcriptId: string;
  title: string;
  done: boolean;
  codings: number;
}

/** A round as one member may see it: what a blind round hides from a coder is left out (empty lists). */
export interface RoundView {
  id: string;
  name: string;
  mode: 'blind' | 'open';
  status: 'running' | 'revealed';
  ownerMayLook: boolean;
  createdAt: number;
  revealedAt: number | null;
  forced: boolean;
  /** How its sentences, paragraphs and speaker turns are cut (1: the legacy rule; 2: Unicode's rules by language). */
  segmentation: number;
  sample: { percent: number; seed: number; populationSize: number } | null;
  codebook: { docName: string; sha256: string | null };
  adjudicators: { userId: string; name: string }[];
  mayAdjudicate: boolean;
  transcripts: { transcriptId: string; title: string }[];
  coders: { userId: string; name: string }[];
  myAssignments: Assignment[];
  progress: { transcriptId: string; coder: string; done: boolean; codings?: number }[];
  layers: { transcriptId: string; coder: string; docName: string; access: 'read' | 'write' }[];
  codebookChanges: {
    code: string;
    fields: Record<string, { before: unknown; after: unknown }>;
    memo: string;
    by: string;
    at: number;
  }[];
}

export interface RoundResponse {
  round: RoundView;
}
export interface RoundsResponse {
  rounds: RoundView[];
}

/** `POST …/rounds` (201): the new round, with what the owner should know before anyone codes. */
export interface CreateRoundResponse {
  round: RoundView;
  /** Layers that already hold codings count in the round. */
  warnings: { code: string; message: string }[];
}

/** `POST …/rounds/<r>/reveal`. */
export interface RevealResponse {
  round: RoundView;
  /** Set when the round was revealed before every layer was marked done. */
  warning: string | null;
}

/** The unit of analysis an agreement figure was computed at. */
export interface UnitChoiceView {
  unit: UnitKind;
  minCoverage: number;
}

/** `GET …/rounds/<r>/agreement`: per-code coefficients (named) and the engine's full report. */
export interface AgreementResponse {
  source: 'snapshot' | 'live';
  unit: UnitChoiceView;
  /** The round's segmentation: version, method, each transcript's language and the platform's Unicode version. */
  segmentation: {
    version: number;
    method: string;
    languages: Record<string, string | null>;
    platform: { unicode: string | null; icu: string | null };
  };
  thresholds: Thresholds;
  coders: { userId: string; name: string }[];
  transcripts: { transcriptId: string; title: string; length: number }[];
  codes: (CodeSummary & { name: string })[];
  agreement: SpansReport;
}

/** One revealed round's mean agreement, for the history across rounds. */
export interface HistoryEntry {
  round: { id: string; name: string; mode: 'blind' | 'open'; revealedAt: number | null };
  codebookSha256: string | null;
  codebookChanges: number;
  meanKappa: number | null;
  meanAlpha: number | null;
  codes: { code: string; name: string; kappa: number | null; alpha: number | null; flags: string[] }[];
}

/** `GET …/agreement-history?unit=`. */
export interface AgreementHistoryResponse {
  unit: UnitChoiceView;
  history: HistoryEntry[];
}

/** `GET …/rounds/<r>/disagreements`. */
export interface DisagreementsResponse {
  source: 'snapshot' | 'live';
  disagreements: ReviewItem[];
}

/** One transcript's consensus layer in a round: its codings with provenance and the decisions recorded. */
export interface ConsensusTranscript {
  transcriptId: string;
  docName: string;
  codings: ConsensusCoding[];
  decisions: DecisionRecord[];
}

/** `GET …/rounds/<r>/consensus`. */
export interface ConsensusResponse {
  transcripts: ConsensusTranscript[];
}

/** `POST …/rounds/<r>/consensus` (201). */
export interface DecisionResponse {
  decision: DecisionRecord;
}

/** `PATCH …/rounds/<r>/codes/<code>`: every definition change recorded with the round so far. */
export interface CodebookChangesResponse {
  codebookChanges: RoundView['codebookChanges'];
}
