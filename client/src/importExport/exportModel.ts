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
  label: string;
  detail: string;
  /** Takes the code, coder and transcript filters (coded segments). */
  filters: boolean;
}

export const EXPORT_FORMATS: readonly ExportFormatInfo[] = [
  { format: 'csv', label: 'Coded segments (CSV)', detail: 'one row per coding, for R, pandas or Excel', filters: true },
  { format: 'xlsx', label: 'Coded segments (Excel)', detail: 'the same rows as an .xlsx workbook', filters: true },
  {
    format: 'qdpx',
    label: 'Whole project (REFI-QDA .qdpx)',
    detail: 'for NVivo, ATLAS.ti, MAXQDA, QualCoder',
    filters: false,
  },
  { format: 'qdc', label: 'Codebook (REFI-QDA .qdc)', detail: 'codes only', filters: false },
  { format: 'codebook-csv', label: 'Codebook (CSV)', detail: 'Accord imports it back', filters: false },
  { format: 'codebook-md', label: 'Codebook (Markdown)', detail: 'with up to three excerpts per code', filters: false },
  { format: 'codebook-html', label: 'Codebook (printable HTML)', detail: 'print it or save it as PDF', filters: false },
  {
    format: 'matrix',
    label: 'Unit × coder matrix (CSV)',
    detail: 'for one code, for R irr or ReCal',
    filters: false,
  },
];

export const MATRIX_UNITS: readonly MatrixUnit[] = ['transcript', 'turn', 'paragraph', 'character'];

export interface ExportOptions {
  format: ExportFormat;
  code?: string;
  coder?: string;
  transcript?: string;
  unit?: MatrixUnit;
  recal?: boolean;
}

/** Why this export cannot be asked for yet, or null. */
export function exportProblem(options: ExportOptions): string | null {
  if (options.format === 'matrix' && !options.code) return 'choose the code the matrix is for';
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

const kib = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024)).toLocaleString()} KiB`;

/** What a running export is doing, in words: the server preparing it, then the bytes received (of the total). */
export function progressText(label: string, progress: DownloadProgress | null): string {
  if (progress === null) return `Preparing ${label}…`;
  if (progress.total === null) return `Downloading ${label}… ${kib(progress.received)}`;
  return `Downloading ${label}… ${kib(progress.received)} of ${kib(progress.total)}`;
}
