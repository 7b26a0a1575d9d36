import {
  codePath,
  docName,
  type FinalReportView,
  frequencyByTranscript,
  meanOf,
  memoText,
  type ReliabilitySummaryView,
  type ReportCodeView,
  type ReportQuoteView,
  type ReportThemeView,
  type Role,
  readThemes,
  resolveQuote,
  rollUpTargets,
  selfAndDescendants,
  storedQuote,
  themeMemoId,
  turnsOverlapping,
} from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import type { Project } from '../metadata/schema.js';
import { decideDocAccess } from '../projects/docAccess.js';
import { thresholdsOf } from '../rounds/report.js';
import { copyOfDoc } from './dataset.js';
import { type AnalysisFilters, load } from './queries.js';
import { latestAgreement } from './reliability.js';

/**
 * The final report of a project: its themes (depth-first, sub-themes under their parent) with definitions,
 * memos, codes, the quotes the team chose and counts, and the reliability summary of the latest revealed round.
 * Its shape is the REST response type in shared/src/api/analysis.ts, so the client reads what this builds.
 */
export type ReportCode = ReportCodeView;
export type ReportQuote = ReportQuoteView;
export type ReportTheme = ReportThemeView;
export type ReliabilitySummary = ReliabilitySummaryView;
export type FinalReport = FinalReportView;

export async function buildFinalReport(
  ctx: AppContext,
  userId: string,
  project: Project,
  role: Role,
  filters: AnalysisFilters,
): Promise<FinalReport> {
  const dataset = await load(ctx, { userId, project }, filters, true);
  const codebook = await copyOfDoc(ctx, docName({ kind: 'codebook', project: project.id }));
  const themes = readThemes(codebook);
  const codesById = new Map(dataset.codes.map((code) => [code.id, code]));
  const allCodes = dataset.codes.map((code) => code.id);
  const counts = frequencyByTranscript(
    dataset.codings,
    allCodes,
    dataset.transcripts.map((t) => t.id),
    { rollUp: rollUpTargets(dataset.codes) },
  ).totals;
  const reportCode = (id: string): ReportCode => {
    const row = allCodes.indexOf(id);
    return {
      id,
      path: codesById.has(id) ? codePath(codesById, id) : [id],
      definition: codesById.get(id)?.definition ?? '',
      codings: row < 0 ? 0 : counts[row]!.codings,
      transcripts: row < 0 ? 0 : counts[row]!.transcripts,
    };
  };
  const transcriptsById = new Map(dataset.transcripts.map((t) => [t.id, t]));
  const roundNames = new Map((await ctx.metadata.rounds.listByProject(project.id)).map((r) => [r.id, r.name]));
  const roundName = (id: string | null) => (id === null ? null : (roundNames.get(id) ?? null));

  const reportTheme = async (themeIndex: number, depth: number): Promise<ReportTheme> => {
    const theme = themes[themeIndex]!;
    const covered = new Set<string>();
    for (const code of theme.codes) for (const id of selfAndDescendants(dataset.codes, code)) covered.add(id);
    const inTheme = dataset.codings.filter((coding) => covered.has(coding.code));
    const transcriptIds = new Set(inTheme.map((coding) => coding.transcript));
    const participants = new Set(
      [...transcriptIds].map((id) => transcriptsById.get(id)?.participant || id).filter((p) => p !== ''),
    );
    const quotes: ReportQuote[] = [];
    for (const quote of theme.quotes) {
      const info = transcriptsById.get(quote.transcript);
      const textDoc = dataset.textDocs.get(quote.transcript);
      if (info === undefined || textDoc === undefined) continue;
      const stored = storedQuote(codebook, theme.id, quote.id);
      const resolved = stored === null ? null : resolveQuote(textDoc, stored);
      quotes.push({
        text: resolved?.text ?? quote.text,
        transcript: info.title,
        participant: info.participant,
        speakers:
          resolved === null
            ? []
            : [
                ...new Set(
                  turnsOverlapping(dataset.turns.get(quote.transcript) ?? [], resolved.start, resolved.end).map(
                    (t) => t.speaker,
                  ),
                ),
              ],
        asChosen: resolved === null,
      });
    }
    return {
      id: theme.id,
      name: theme.name,
      definition: theme.definition,
      memo: await themeMemo(ctx, userId, project, theme.id),
      status: theme.status,
      depth,
      codes: theme.codes.map(reportCode),
      quotes,
      counts: { codings: inTheme.length, transcripts: transcriptIds.size, participants: participants.size },
      finalisedWith: theme.finalisedWith && { ...theme.finalisedWith, roundName: roundName(theme.finalisedWith.round) },
    };
  };

  const ordered: ReportTheme[] = [];
  const ids = new Set(themes.map((theme) => theme.id));
  const visited = new Set<string>();
  const visit = async (parent: string | null, depth: number) => {
    for (let i = 0; i < themes.length; i++) {
      const theme = themes[i]!;
      const effectiveParent = theme.parent !== null && ids.has(theme.parent) ? theme.parent : null;
      if (effectiveParent !== parent || visited.has(theme.id)) continue;
      visited.add(theme.id);
      ordered.push(await reportTheme(i, depth));
      await visit(theme.id, depth + 1);
    }
  };
  await visit(null, 0);
  // Themes caught in a parent cycle (two concurrent moves) are still reported, at the top level.
  for (let i = 0; i < themes.length; i++) if (!visited.has(themes[i]!.id)) ordered.push(await reportTheme(i, 0));

  const themed = new Set(themes.flatMap((theme) => theme.codes));
  return {
    project: { id: project.id, name: project.name, description: project.description },
    generatedAt: Date.now(),
    counted: dataset.counted,
    layers: dataset.layers,
    themes: ordered,
    unthemedCodes: allCodes.filter((id) => !themed.has(id)).map(reportCode),
    reliability: await reliabilitySummary(ctx, userId, project, role),
  };
}

async function themeMemo(ctx: AppContext, userId: string, project: Project, themeId: string): Promise<string> {
  const ref = { kind: 'memo', project: project.id, memo: themeMemoId(themeId) } as const;
  if ((await decideDocAccess(ctx.metadata, userId, ref)).access === 'none') return '';
  return memoText(await copyOfDoc(ctx, docName(ref))).toString();
}

async function reliabilitySummary(
  ctx: AppContext,
  userId: string,
  project: Project,
  role: Role,
): Promise<ReliabilitySummary> {
  const empty = (unavailable: string): ReliabilitySummary => ({
    round: null,
    digest: null,
    thresholds: thresholdsOf(project),
    meanKappa: null,
    meanAlpha: null,
    codes: [],
    unavailable,
  });
  try {
    const latest = await latestAgreement(ctx, userId, project, role);
    if (latest === null) return empty('no round has been revealed yet');
    return {
      round: latest.round,
      digest: latest.report.digest,
      thresholds: thresholdsOf(project),
      meanKappa: meanOf(latest.codes, (c) => c.kappa),
      meanAlpha: meanOf(latest.codes, (c) => c.alpha),
      codes: latest.codes.map((c) => ({
        code: c.code,
        name: c.name,
        kappaName: c.kappaName,
        kappa: c.kappa.value,
        alpha: c.alpha.value,
        flags: c.flags,
      })),
      unavailable: null,
    };
  } catch (error) {
    if (error instanceof AccordError && error.status === 409) return empty(error.message);
    throw error;
  }
}
