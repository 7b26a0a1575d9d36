import type { ChangedBy } from '../accounts/accountChanges.js';
import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import { type BundleSummary, summariseBundle } from '../interchange/bundle.js';
import { recordingsForExport } from '../media/interchange.js';
import type { Project } from '../metadata/schema.js';
import { readBundle } from '../projects/bundleIo.js';
import { PRINTABLE_CSP } from '../render/html.js';
import type { MatrixUnit } from './matrix.js';
import { type ExportFormat, render, segmentFilter } from './render.js';

/**
 * A project export as a file download (`GET /api/projects/<p>/export`, owners only, since it holds every coder's
 * layer): rendered from the project as the reader may see it, audited (`project.export`), with the name, media type
 * and, for the codebook page, the content security policy it is served with. `accord export` calls the same function
 * (with `BY_COMMAND`), so the command and the web write the same file and audit it one way.
 */

/**
 * Who exports: a signed-in owner (their id, or `{ actor: id }`), who reads the project as they may; or the
 * `accord export` command (`BY_COMMAND` from accounts/accountChanges.ts), which reads it as the operator's offline
 * tools do, and whose audit entry has no actor and says `via: 'cli'`.
 */
export type Exporter = string | ChangedBy;

export interface ExportRequest {
  format: ExportFormat;
  /** A code's name or id: filters the segments; the code of a matrix. */
  code?: string | undefined;
  /** A coder's name or id, a transcript's title or id: filter the segments. */
  coder?: string | undefined;
  transcript?: string | undefined;
  /** Matrix only: what a unit is, and ReCal's header-less form. */
  unit: MatrixUnit;
  recal: boolean;
  /** CSV formats: neutralise formula-like cells (false writes them exactly, for R and pandas). */
  formulaSafe: boolean;
}

export interface Download {
  fileName: string;
  contentType: string;
  /** Set on pages opened in a browser once downloaded (the codebook page). */
  contentSecurityPolicy?: string;
  content: string | Uint8Array;
  /** What the export holds (transcripts, codes, users, memos, codings per coder): `accord export` prints it. */
  summary: BundleSummary;
}

/** Each format's media type and file extension. */
export const DOWNLOAD_TYPES: Record<ExportFormat, { contentType: string; extension: string }> = {
  qdpx: { contentType: 'application/zip', extension: 'qdpx' },
  qdc: { contentType: 'application/xml; charset=utf-8', extension: 'qdc' },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' },
  'codebook-csv': { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  'codebook-md': { contentType: 'text/markdown; charset=utf-8', extension: 'md' },
  'codebook-html': { contentType: 'text/html; charset=utf-8', extension: 'html' },
  matrix: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
};

/**
 * The file name of a download: the project's name with every run of characters other than ASCII letters, digits,
 * `_`, `.` and `-` made one `_`, at most 80 characters, then the format's extension (safe in a quoted
 * `Content-Disposition` filename on every platform).
 */
export function downloadName(projectName: string, format: ExportFormat): string {
  const base = projectName.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'project';
  return `${base}.${DOWNLOAD_TYPES[format].extension}`;
}

/**
 * Exports `project` for `exporter` in one format (400 `invalid_input` for a matrix without a code; 404 for a filter
 * that names nothing), audited once rendered.
 */
export async function downloadExport(
  ctx: AppContext,
  exporter: Exporter,
  project: Pick<Project, 'id' | 'name' | 'settings'>,
  request: ExportRequest,
): Promise<Download> {
  const by: ChangedBy = typeof exporter === 'string' ? { actor: exporter } : exporter;
  if (request.format === 'matrix' && request.code === undefined)
    throw new AccordError(400, 'invalid_input', 'format matrix needs ?code=');
  const bundle = await readBundle(ctx, project.id, by.actor ?? undefined);
  const filter = segmentFilter(bundle, request);
  const content = await render(bundle, request.format, filter, {
    unit: request.unit,
    recal: request.recal,
    code: request.code,
    formulaSafe: request.formulaSafe,
    recordings: request.format === 'qdpx' ? await recordingsForExport(ctx, project.id, bundle) : [],
    lang: project.settings.language,
  });
  await ctx.metadata.audit.record({
    actor: by.actor,
    action: 'project.export',
    project: project.id,
    details: { format: request.format, ...(by.via === undefined ? {} : { via: by.via }) },
  });
  return {
    fileName: downloadName(project.name, request.format),
    contentType: DOWNLOAD_TYPES[request.format].contentType,
    // The codebook page is opened in a browser once downloaded; served, it is held to what the printable pages are.
    ...(request.format === 'codebook-html' ? { contentSecurityPolicy: PRINTABLE_CSP } : {}),
    content,
    summary: summariseBundle(bundle),
  };
}
