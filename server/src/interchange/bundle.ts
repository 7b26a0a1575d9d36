import type { Turn } from '@accord/shared';
import { colourProblem, normaliseColour } from './colour.js';

/**
 * The one neutral shape of a project in transit: every importer produces it, every exporter consumes it, and
 * `projects/bundleIo.ts` converts it to and from a stored project. It holds plain data only (no Yjs), so format
 * modules stay pure and testable.
 *
 * Conventions that hold everywhere in a bundle:
 * - GUIDs are lower-case, without braces (see `guid.ts`); they are unique within their kind.
 * - Text is LF-only without a BOM, and offsets are UTF-16 code units into it, half-open `[start, end)`, exactly as
 *   inside Accord (docs/architecture.md, "Text offsets"). Readers and writers of other conventions convert at their
 *   edge.
 * - Times are milliseconds since the epoch.
 */
export interface ProjectBundle {
  name: string;
  description: string;
  users: BundleUser[];
  /** Parents come before their children; siblings are in display order. */
  codes: BundleCode[];
  transcripts: BundleTranscript[];
  /** Free-standing memos (project notes, notes on a code or a transcript). Memos on a coding live on the coding. */
  memos: BundleMemo[];
}

export interface BundleUser {
  guid: string;
  name: string;
}

export interface BundleCode {
  guid: string;
  name: string;
  parentGuid: string | null;
  /** `#rrggbb`, or null when the source had none (the importer into a project then picks one). */
  colour: string | null;
  definition: string;
  inclusion: string;
  exclusion: string;
  examples: string;
}

export interface BundleTranscript {
  guid: string;
  title: string;
  /** Participant (case) id, empty when unknown. */
  participant: string;
  /** Participant attributes (REFI-QDA case and source variables), by attribute name. */
  attributes: Record<string, string>;
  text: string;
  turns: Turn[];
  /** One layer per coder who coded this transcript. */
  layers: BundleLayer[];
}

export interface BundleLayer {
  userGuid: string;
  codings: BundleCoding[];
}

export interface BundleCoding {
  guid: string;
  codeGuid: string;
  start: number;
  end: number;
  memo?: string;
  createdAt: number;
}

export interface BundleMemo {
  guid: string;
  title: string;
  text: string;
  /** What the memo is about; null for a project memo. */
  about: { kind: 'code' | 'transcript'; guid: string } | null;
  userGuid: string | null;
  createdAt: number;
}

export function emptyBundle(name: string): ProjectBundle {
  return { name, description: '', users: [], codes: [], transcripts: [], memos: [] };
}

/** Counts for the import/export summary the CLI prints and the REST preview shows. */
export interface BundleSummary {
  transcripts: number;
  codes: number;
  users: number;
  memos: number;
  /** Codings per coder, by user name (GUID when the user has no name). */
  codingsPerCoder: Record<string, number>;
}

export function summariseBundle(bundle: ProjectBundle): BundleSummary {
  const names = new Map(bundle.users.map((user) => [user.guid, user.name || user.guid]));
  const codingsPerCoder: Record<string, number> = {};
  for (const transcript of bundle.transcripts) {
    for (const layer of transcript.layers) {
      const name = names.get(layer.userGuid) ?? layer.userGuid;
      codingsPerCoder[name] = (codingsPerCoder[name] ?? 0) + layer.codings.length;
    }
  }
  return {
    transcripts: bundle.transcripts.length,
    codes: bundle.codes.length,
    users: bundle.users.length,
    memos: bundle.memos.length,
    codingsPerCoder,
  };
}

export function formatSummary(summary: BundleSummary): string {
  const lines = [
    `${summary.transcripts} transcript(s), ${summary.codes} code(s), ${summary.users} user(s), ${summary.memos} memo(s)`,
  ];
  const coders = Object.entries(summary.codingsPerCoder).sort(([a], [b]) => a.localeCompare(b));
  for (const [coder, count] of coders) lines.push(`  ${coder}: ${count} coding(s)`);
  return lines.join('\n');
}

/**
 * The problems that make a bundle unfit to store: dangling references, duplicate GUIDs, offsets outside their
 * text, unnormalised text. Importers check their own input as they read it; this is the last gate before writing,
 * so that an import is all or nothing.
 */
export function bundleProblems(bundle: ProjectBundle): string[] {
  const problems: string[] = [];
  const userGuids = uniqueGuids(bundle.users, 'user', problems);
  const codeGuids = uniqueGuids(bundle.codes, 'code', problems);
  const transcriptGuids = uniqueGuids(bundle.transcripts, 'transcript', problems);
  uniqueGuids(bundle.memos, 'memo', problems);
  for (const memo of bundle.memos) {
    const where = `memo "${memo.title || memo.guid}"`;
    if (memo.about !== null && !(memo.about.kind === 'code' ? codeGuids : transcriptGuids).has(memo.about.guid)) {
      problems.push(`${where} is about ${memo.about.kind} ${memo.about.guid}, which is not in the bundle`);
    }
    if (memo.userGuid !== null && !userGuids.has(memo.userGuid))
      problems.push(`${where} is by unknown user ${memo.userGuid}`);
    if (memo.text.includes('\r')) problems.push(`${where} is not normalised (CR left in its text)`);
  }
  for (const code of bundle.codes) {
    if (code.colour !== null && normaliseColour(code.colour) === null)
      problems.push(`code "${code.name}": ${colourProblem(code.colour)}`);
    if (code.parentGuid !== null && !codeGuids.has(code.parentGuid)) {
      problems.push(`code "${code.name}" has a parent ${code.parentGuid} that is not in the codebook`);
    }
  }
  const codingGuids = new Set<string>();
  for (const transcript of bundle.transcripts) {
    const where = `transcript "${transcript.title}"`;
    if (transcript.text.includes('\r') || transcript.text.startsWith('\uFEFF')) {
      problems.push(`${where} is not normalised (CR or BOM left in its text)`);
    }
    for (const turn of transcript.turns) {
      if (turn.start < 0 || turn.start > transcript.text.length) {
        problems.push(`${where} has a speaker turn at ${turn.start}, outside its text`);
      }
    }
    for (const layer of transcript.layers) {
      if (!userGuids.has(layer.userGuid)) problems.push(`${where} has codings by unknown user ${layer.userGuid}`);
      for (const coding of layer.codings) {
        if (codingGuids.has(coding.guid)) problems.push(`coding ${coding.guid} appears twice`);
        codingGuids.add(coding.guid);
        if (!codeGuids.has(coding.codeGuid))
          problems.push(`${where} has a coding with unknown code ${coding.codeGuid}`);
        const inside =
          Number.isInteger(coding.start) &&
          Number.isInteger(coding.end) &&
          coding.start >= 0 &&
          coding.end > coding.start &&
          coding.end <= transcript.text.length;
        if (!inside) {
          problems.push(
            `${where} has a coding [${coding.start}, ${coding.end}) outside its text of length ${transcript.text.length}`,
          );
        }
      }
    }
  }
  return problems;
}

function uniqueGuids(items: readonly { guid: string }[], kind: string, problems: string[]): Set<string> {
  const guids = new Set<string>();
  for (const item of items) {
    if (guids.has(item.guid)) problems.push(`${kind} ${item.guid} appears twice`);
    guids.add(item.guid);
  }
  return guids;
}
