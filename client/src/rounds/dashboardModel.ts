import {
  buildSpansInput,
  type CoderLayer,
  type CodeSummary,
  type Coding,
  type ResolvedTurn,
  type RoundDocument,
  readCodings,
  readTurns,
  roundAgreement,
  type SpansInput,
  type SpansReport,
  type Thresholds,
  transcriptText,
  type UnitKind,
} from '@accord/shared';
import { isSegmentationVersion, LATEST_SEGMENTATION, type SegmentationVersion } from '@accord/shared/text/index';
import type * as Y from 'yjs';

/**
 * The dashboard's numbers: the same shared engine as `accord agreement` on the same spans input, so a figure
 * on screen can be checked on the command line. Pure, so the benchmark times exactly what the page runs.
 */
export interface DashboardData {
  input: SpansInput;
  report: SpansReport;
  rows: CodeSummary[];
}

export function computeDashboard(input: SpansInput, thresholds: Thresholds, intervals = true): DashboardData {
  // The shared computation of the reliability report too: same bootstrap, same intervals, same warnings.
  const { input: used, report, rows } = roundAgreement(input, thresholds, { intervals });
  return { input: used, report, rows };
}

/**
 * The live round's input from its open documents: what the page recomputes after every change. Units are cut with
 * the round's segmentation version and each transcript's language, as the server cuts them (server/src/rounds/data.ts),
 * so a version-1 round's sentence and paragraph figures are the same live as in its report.
 */
export function liveDashboard(
  documents: readonly RoundDocument[],
  layers: readonly CoderLayer[],
  unit: UnitKind,
  minCoverage: number,
  thresholds: Thresholds,
  segmentation: SegmentationVersion = LATEST_SEGMENTATION,
): DashboardData {
  // Recomputed after every change: the point figures only (intervals come with the reveal snapshots).
  return computeDashboard(buildSpansInput(documents, layers, { unit, minCoverage, segmentation }), thresholds, false);
}

/** A round's segmentation version as the server records it (`RoundView.segmentation`); unknown: the latest. */
export const roundSegmentation = (version: number | undefined): SegmentationVersion =>
  isSegmentationVersion(version) ? version : LATEST_SEGMENTATION;

/** Per transcript, for one code: each coder pair's Cohen's kappa and percent agreement on that transcript. */
export function perTranscript(report: SpansReport, code: string) {
  const entry = report.codes.find((c) => c.code === code);
  const rows = new Map<string, { pair: [string, string]; kappa: number | null; percent: number | null }[]>();
  for (const pair of entry?.pairs ?? []) {
    for (const doc of pair.by_document ?? []) {
      const list = rows.get(doc.document) ?? [];
      list.push({ pair: pair.coders, kappa: doc.cohen_kappa.value, percent: doc.percent_agreement.value });
      rows.set(doc.document, list);
    }
  }
  return rows;
}

export interface LiveAssignment {
  transcriptId: string;
  textName: string;
  textDoc: Y.Doc;
  /** BCP 47 tag of the transcript's language (its metadata); absent: guessed from its text, as the server does. */
  language?: string | null;
  coders: string[];
  layers: { coder: string; name: string; doc: Y.Doc }[];
}

/**
 * An open round's dashboard over its live documents. A change marks its document dirty; `recompute` re-reads
 * only dirty layers (and the layers of a transcript whose text changed, since anchors resolve against it), then
 * recomputes the whole round: the engine is fast enough that incremental coefficients are not worth their risk.
 */
export class LiveRound {
  private readonly texts = new Map<string, { text: string; turns: ResolvedTurn[] }>();
  private readonly codings = new Map<string, Coding[]>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly assignments: readonly LiveAssignment[],
    /** The round's segmentation version (`RoundView.segmentation`). */
    private readonly segmentation: SegmentationVersion = LATEST_SEGMENTATION,
  ) {
    for (const a of assignments) {
      this.dirty.add(a.textName);
      for (const layer of a.layers) this.dirty.add(layer.name);
    }
  }

  markDirty(name: string): void {
    this.dirty.add(name);
  }

  recompute(unit: UnitKind, minCoverage: number, thresholds: Thresholds): DashboardData {
    for (const a of this.assignments) {
      const textChanged = this.dirty.has(a.textName);
      if (textChanged)
        this.texts.set(a.transcriptId, { text: transcriptText(a.textDoc).toString(), turns: readTurns(a.textDoc) });
      for (const layer of a.layers) {
        if (textChanged || this.dirty.has(layer.name)) this.codings.set(layer.name, readCodings(layer.doc, a.textDoc));
      }
    }
    this.dirty.clear();
    const documents: RoundDocument[] = this.assignments.map((a) => ({
      id: a.transcriptId,
      text: this.texts.get(a.transcriptId)?.text ?? '',
      turns: this.texts.get(a.transcriptId)?.turns ?? [],
      coders: a.coders,
      language: a.language ?? null,
    }));
    const layers: CoderLayer[] = this.assignments.flatMap((a) =>
      a.layers.map((l) => ({ document: a.transcriptId, coder: l.coder, codings: this.codings.get(l.name) ?? [] })),
    );
    return liveDashboard(documents, layers, unit, minCoverage, thresholds, this.segmentation);
  }
}
