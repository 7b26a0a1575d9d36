import { currentIntl, type MessageId, msg, type Translate, translate } from '../i18n/core.js';

/** The export menu's formats and the download URL of each, as `GET /api/projects/:project/export` takes them. */
export type ExportFormat =
  | 'qdpx'
  | 'qdc'
  | 'csv'
  | 'xlsx'
  | 'codebook-csv'
  | 'codebook-md'
  | 'codebook-html'
  | 'matrix';
export type MatrixUnit = 'transcript' | 'turn' | 'paragraph' | 'character';

export interface ExportFormatInfo {
  format: ExportFormat;
  label: MessageId;
  detail: MessageId;
  /** Takes the code, coder and transcript filters (coded segments). */
  filters: boolean;
}

export const EXPORT_FORMATS: readonly ExportFormatInfo[] = [
  { format: 'csv', label: msg('export.csv.label'), detail: msg('export.csv.detail'), filters: true },
  { format: 'xlsx', label: msg('export.xlsx.label'), detail: msg('export.xlsx.detail'), filters: true },
  { format: 'qdpx', label: msg('export.qdpx.label'), detail: msg('export.qdpx.detail'), filters: false },
  { format: 'qdc', label: msg('export.qdc.label'), detail: msg('export.qdc.detail'), filters: false },
  {
    format: 'codebook-csv',
    label: msg('export.codebookCsv.label'),
    detail: msg('export.codebookCsv.detail'),
    filters: false,
  },
  {
    format: 'codebook-md',
    label: msg('export.codebookMd.label'),
    detail: msg('export.codebookMd.detail'),
    filters: false,
  },
  {
    format: 'codebook-html',
    label: msg('export.codebookHtml.label'),
    detail: msg('export.codebookHtml.detail'),
    filters: false,
  },
  { format: 'matrix', label: msg('export.matrix.label'), detail: msg('export.matrix.detail'), filters: false },
];

export const MATRIX_UNITS: readonly MatrixUnit[] = ['transcript', 'turn', 'paragraph', 'character'];
export const MATRIX_UNIT_LABELS: Record<MatrixUnit, MessageId> = {
  transcript: msg('export.unit.transcript'),
  turn: msg('export.unit.turn'),
  paragraph: msg('export.unit.paragraph'),
  character: msg('export.unit.character'),
};

export interface ExportOptions {
  format: ExportFormat;
  code?: string;
  coder?: string;
  transcript?: string;
  unit?: MatrixUnit;
  recal?: boolean;
}

/** Why this export cannot be asked for yet, or null. */
export function exportProblem(options: ExportOptions, t: Translate = translate): string | null {
  if (options.format === 'matrix' && !options.code) return t('export.problem.matrixCode');
  return null;
}

/** The download URL; only the parameters the format uses (an unknown filter value is an error on the server). */
export function exportUrl(project: string, options: ExportOptions): string {
  const query = new URLSearchParams({ format: options.format });
  const info = EXPORT_FORMATS.find((f) => f.format === options.format);
  if (info?.filters) {
    if (options.code) query.set('code', options.code);
    if (options.coder) query.set('coder', options.coder);
    if (options.transcript) query.set('transcript', options.transcript);
  }
  if (options.format === 'matrix') {
    if (options.code) query.set('code', options.code);
    query.set('unit', options.unit ?? 'turn');
    if (options.recal) query.set('recal', 'true');
  }
  return `/api/projects/${encodeURIComponent(project)}/export?${query}`;
}

/** The file name from a `Content-Disposition: attachment; filename="..."` header, or a fallback. */
export function downloadName(disposition: string | null, fallback: string): string {
  const match = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  if (!match) return fallback;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}

/** How far a download is: bytes received, and the total from Content-Length (null when the server did not say). */
export interface DownloadProgress {
  received: number;
  total: number | null;
}

/** What a running export is doing, in words: the server preparing it, then the bytes received (of the total). */
export function progressText(label: string, progress: DownloadProgress | null, t: Translate = translate): string {
  const kib = (bytes: number) =>
    t('export.kib', { count: currentIntl().formatNumber(Math.max(1, Math.round(bytes / 1024))) });
  if (progress === null) return t('export.preparing', { label });
  if (progress.total === null) return t('export.downloading', { label, received: kib(progress.received) });
  return t('export.downloadingOf', { label, received: kib(progress.received), total: kib(progress.total) });
}
