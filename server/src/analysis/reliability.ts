import { createHash } from 'node:crypto';
import {
  type CodeSummary,
  checkThemeCodes,
  docName,
  type FinalisedCode,
  finaliseTheme,
  gateWarns,
  type Role,
  readCodes,
  readThemes,
  type Theme,
  type ThemeFinalisation,
} from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccordError, conflict, notFound } from '../errors.js';
import type { Project, Round } from '../metadata/schema.js';
import { decideDocAccess } from '../projects/docAccess.js';
import { requireRoundData } from '../rounds/access.js';
import { loadRoundData } from '../rounds/data.js';
import { computeRoundAgreement, roundCodes, thresholdsOf, type UnitChoice } from '../rounds/report.js';
import { copyOfDoc } from './dataset.js';

/** The unit the gate reads agreement at: the reliability report's default, so both show the same figures. */
export const GATE_UNIT: UnitChoice = { unit: 'character', minCoverage: 0 };

export interface LatestAgreement {
  round: { id: string; name: string; revealedAt: number | null };
  report: NonNullable<ThemeFinalisation['report']>;
  codes: (CodeSummary & { name: string })[];
}

export async function latestRevealedRound(ctx: AppContext, project: Project): Promise<Round | null> {
  const revealed = (await ctx.metadata.rounds.listByProject(project.id))
    .filter((round) => round.status === 'revealed')
    .sort((a, b) => (b.revealedAt ?? 0) - (a.revealedAt ?? 0) || b.createdAt - a.createdAt);
  return revealed[0] ?? null;
}

/**
 * Identifies the report behind a figure: the round's reveal snapshots and frozen codebook (by SHA-256) and the
 * unit. The report is recomputed from exactly these, so the same digest means the same figures.
 */
export function reportDigest(round: Round, unit: UnitChoice): string {
  const basis = {
    round: round.id,
    unit: unit.unit,
    minCoverage: unit.minCoverage,
    codebook: round.codebookSnapshot?.sha256 ?? null,
    snapshots: round.snapshots.map((s) => `${s.docName}:${s.sha256}`).sort(),
  };
  return createHash('sha256').update(JSON.stringify(basis)).digest('hex');
}

/**
 * Per-code agreement of the most recent revealed round, or null when none was revealed. When this user may not
 * read that round's layers now (a blind round running on its transcripts), the answer is refused rather than
 * taken from an older round: a gate must not quietly rely on stale figures.
 */
export async function latestAgreement(
  ctx: AppContext,
  userId: string,
  project: Project,
  role: Role,
): Promise<LatestAgreement | null> {
  const round = await latestRevealedRound(ctx, project);
  if (round === null) return null;
  try {
    await requireRoundData(ctx, { userId, project, role }, round, 'analysis.gate');
  } catch (error) {
    if (error instanceof AccordError && error.status === 404) {
      throw conflict(
        'agreement_unavailable',
        'the latest revealed round cannot be read by you while a blind round runs',
      );
    }
    throw error;
  }
  const codes = await roundCodes(ctx, round);
  const result = computeRoundAgreement(await loadRoundData(ctx, round), GATE_UNIT, thresholdsOf(project), codes.all);
  return {
    round: { id: round.id, name: round.name, revealedAt: round.revealedAt },
    report: { ...GATE_UNIT, digest: reportDigest(round, GATE_UNIT) },
    codes: result.codes,
  };
}

export interface GateView {
  theme: Pick<Theme, 'id' | 'name' | 'status' | 'codes'>;
  round: LatestAgreement['round'] | null;
  report: LatestAgreement['report'] | null;
  thresholds: { kappa: number; alpha: number };
  codes: (FinalisedCode & { name: string })[];
  warns: boolean;
}

/** What marking a theme final would rely on, and whether it must be confirmed. */
export async function themeGate(
  ctx: AppContext,
  userId: string,
  project: Project,
  role: Role,
  themeId: string,
): Promise<GateView> {
  const codebook = await copyOfDoc(ctx, docName({ kind: 'codebook', project: project.id }));
  const theme = readThemes(codebook).find((candidate) => candidate.id === themeId);
  if (theme === undefined) throw notFound('no such theme');
  const names = new Map(readCodes(codebook).map((code) => [code.id, code.name]));
  const agreement = await latestAgreement(ctx, userId, project, role);
  const thresholds = thresholdsOf(project);
  const checked = checkThemeCodes(
    theme.codes,
    agreement?.codes.map((c) => ({ code: c.code, kappa: c.kappa.value, alpha: c.alpha.value })) ?? null,
    thresholds,
  );
  return {
    theme: { id: theme.id, name: theme.name, status: theme.status, codes: theme.codes },
    round: agreement?.round ?? null,
    report: agreement?.report ?? null,
    thresholds,
    codes: checked.map((code) => ({ ...code, name: names.get(code.code) ?? code.code })),
    warns: gateWarns(checked),
  };
}

/**
 * Marks a reviewed theme final with the evidence computed here, never taken from the client. Warnings must be
 * acknowledged; the gate is recomputed under no lock, so a round revealed in between is simply the newer evidence.
 */
export async function finaliseWithGate(
  ctx: AppContext,
  userId: string,
  project: Project,
  role: Role,
  themeId: string,
  acknowledgeWarnings: boolean,
): Promise<{ gate: GateView; evidence: ThemeFinalisation }> {
  const ref = { kind: 'codebook', project: project.id } as const;
  if ((await decideDocAccess(ctx.metadata, userId, ref)).access !== 'write') {
    throw new AccordError(403, 'forbidden', 'your role does not allow editing themes in this project');
  }
  const gate = await themeGate(ctx, userId, project, role, themeId);
  if (gate.warns && !acknowledgeWarnings) {
    throw conflict('gate_warnings', 'some codes of this theme are under the threshold or were never double-coded');
  }
  const evidence: ThemeFinalisation = {
    round: gate.round?.id ?? null,
    report: gate.report,
    thresholds: gate.thresholds,
    codes: gate.codes.map(({ name: _name, ...code }) => code),
    warningsAcknowledged: gate.warns,
    by: userId,
    at: Date.now(),
  };
  await ctx.sync.withDoc(docName(ref), (doc) => {
    const theme = readThemes(doc).find((candidate) => candidate.id === themeId);
    if (theme === undefined) throw notFound('no such theme');
    if (theme.status !== 'reviewed')
      throw conflict('not_reviewed', `only a reviewed theme can be finalised (it is ${theme.status})`);
    finaliseTheme(doc, themeId, evidence);
  });
  await ctx.metadata.audit.record({
    actor: userId,
    action: 'theme.finalise',
    project: project.id,
    details: { theme: themeId, round: evidence.round, warningsAcknowledged: evidence.warningsAcknowledged },
  });
  return { gate, evidence };
}
