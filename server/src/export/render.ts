import { AccordError } from '../errors.js';
import type { ProjectBundle } from '../interchange/bundle.js';
import { guidForId } from '../interchange/guid.js';
import { codebookCsv, codebookHtml, codebookMarkdown } from './codebookDocs.js';
import { type MatrixUnit, matrixCsv, unitCoderMatrix } from './matrix.js';
import { type QdpxRecording, writeQdc, writeQdpx } from './refiQda.js';
import { type SegmentFilter, segmentRows } from './segments.js';
import { segmentsCsv } from './segmentsCsv.js';
import { segmentsXlsx } from './segmentsXlsx.js';

/** Every export format, rendered from a project bundle; the CLI and the REST export both come here. */
export const EXPORT_FORMATS = [
  'qdpx',
  'qdc',
  'csv',
  'xlsx',
  'codebook-csv',
  'codebook-md',
  'codebook-html',
  'matrix',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Renders one export format from a project bundle; shared by the CLI and the REST export. */
export async function render(
  bundle: ProjectBundle,
  format: ExportFormat,
  filter: SegmentFilter,
  options: {
    unit: MatrixUnit;
    recal: boolean;
    code: string | undefined;
    /** CSV only: neutralise cells a spreadsheet would run as formulas (see `@accord/shared` csv.ts). Default true. */
    formulaSafe?: boolean;
    /** `.qdpx` only: the transcripts' recordings (`recordingsForExport`), as audio and video sources. */
    recordings?: readonly QdpxRecording[];
    /**
     * The project's report language (`ProjectSettings.language`): the codebook document's labels (HTML and
     * Markdown) and the HTML page's `<html lang>`. The machine-readable formats keep their English keys.
     */
    lang?: string | null;
  },
): Promise<string | Uint8Array> {
  const csv = { formulaSafe: options.formulaSafe ?? true };
  switch (format) {
    case 'qdpx':
      return writeQdpx(bundle, options.recordings ?? []);
    case 'qdc':
      return writeQdc(bundle.codes);
    case 'csv':
      return segmentsCsv(segmentRows(bundle, filter), csv);
    case 'xlsx':
      return segmentsXlsx(segmentRows(bundle, filter));
    case 'codebook-csv':
      return codebookCsv(bundle.codes, csv);
    case 'codebook-md':
      return codebookMarkdown(bundle, { excerptsPerCode: 3, lang: options.lang });
    case 'codebook-html':
      return codebookHtml(bundle, { excerptsPerCode: 3, lang: options.lang });
    case 'matrix': {
      const [code] = codeGuids(bundle, options.code ?? '');
      return matrixCsv(unitCoderMatrix(bundle, code!, options.unit), options.recal ? 'recal' : 'irr', csv);
    }
  }
}

export function segmentFilter(
  bundle: ProjectBundle,
  values: { code?: string; coder?: string; transcript?: string },
): SegmentFilter {
  const filter: SegmentFilter = {};
  if (values.code) filter.codeGuids = codeGuids(bundle, values.code);
  if (values.coder) filter.coderGuids = pick(bundle.users, values.coder, 'coder', (u) => u.name);
  if (values.transcript)
    filter.transcriptGuids = pick(bundle.transcripts, values.transcript, 'transcript', (t) => t.title);
  return filter;
}

function codeGuids(bundle: ProjectBundle, nameOrGuid: string): string[] {
  return pick(bundle.codes, nameOrGuid, 'code', (code) => code.name);
}

/** Items whose GUID or name (case-insensitive) is `wanted`; none is an error, so a typo never exports everything. */
function pick<T extends { guid: string }>(
  items: readonly T[],
  wanted: string,
  what: string,
  name: (item: T) => string,
): string[] {
  const key = wanted.trim().toLowerCase();
  // Accord ids are accepted too: the GUIDs in a bundle are derived from them.
  const guids = new Set([key, guidForId(wanted.trim())]);
  const found = items
    .filter((item) => guids.has(item.guid) || name(item).toLowerCase() === key)
    .map((item) => item.guid);
  if (found.length === 0) throw new AccordError(404, 'not_found', `no ${what} "${wanted}"`);
  return found;
}
