import { useMutation } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { errorText } from '../api/errors.js';
import type { TranscriptMeta } from '../api.js';
import { buildTree, flattenTree } from '../codebook/tree.js';
import { useDoc } from '../sync/hooks.js';
import { useCodebook } from '../sync/model.js';
import { type DownloadProgress, importExportApi } from './api.js';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  exportProblem,
  exportUrl,
  MATRIX_UNITS,
  type MatrixUnit,
} from './exportModel.js';

/**
 * The export menu (owners): every format of `GET /api/projects/:project/export`, the segment filters (code,
 * coder, transcript) for the coded-segment tables, and the unit (and ReCal form) of the unit × coder matrix.
 */
export function ExportMenu({
  projectId,
  projectName,
  codebookDoc,
  coders,
  transcripts,
}: {
  projectId: string;
  projectName: string;
  codebookDoc: string | null;
  /** Coders who have a coding layer (the export knows no one else). */
  coders: readonly { id: string; name: string }[];
  transcripts: readonly TranscriptMeta[];
}) {
  const id = useId();
  const open = useDoc(codebookDoc);
  const codebook = useCodebook(open?.doc ?? null);
  const codes = useMemo(() => flattenTree(buildTree(codebook.codes)), [codebook.codes]);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [code, setCode] = useState('');
  const [coder, setCoder] = useState('');
  const [transcript, setTranscript] = useState('');
  const [unit, setUnit] = useState<MatrixUnit>('turn');
  const [recal, setRecal] = useState(false);
  /** Null while the server prepares the file; bytes received once it is sent. */
  const [progress, setProgress] = useState<DownloadProgress | null>(null);

  const info = EXPORT_FORMATS.find((f) => f.format === format)!;
  const options = { format, code, coder, transcript, unit, recal };
  const problem = exportProblem(options);

  const exported = useMutation({
    mutationFn: () => {
      setProgress(null);
      return importExportApi.download(exportUrl(projectId, options), `${projectName}.${format}`, setProgress);
    },
  });
  const download = () => {
    if (problem === null) exported.mutate();
  };
  const busy = exported.isPending;
  const saved = exported.isSuccess ? `Downloaded ${exported.data}` : null;
  const message = exported.error ? errorText(exported.error) : null;
  // The export knows coders by their codings: a member who has coded nothing is "no coder" to it.
  const error = message && /^no coder /.test(message) ? 'this coder has no codings in the project yet' : message;

  return (
    <section className="export-menu" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Export</h2>
      <fieldset>
        <legend>Format</legend>
        {EXPORT_FORMATS.map((f) => (
          <label key={f.format} className="export-format">
            <input
              type="radio"
              name={`${id}-format`}
              value={f.format}
              checked={format === f.format}
              onChange={() => setFormat(f.format)}
            />{' '}
            {f.label} <span className="muted">— {f.detail}</span>
          </label>
        ))}
      </fieldset>
      {(info.filters || format === 'matrix') && (
        <fieldset className="export-filters">
          <legend>{format === 'matrix' ? 'Matrix' : 'Filters'}</legend>
          <label>
            {format === 'matrix' ? 'Code (with its subcodes)' : 'Code'}{' '}
            <select value={code} onChange={(event) => setCode(event.target.value)}>
              <option value="">{format === 'matrix' ? 'Choose a code…' : 'All codes'}</option>
              {codes.map((node) => (
                <option key={node.code.id} value={node.code.id}>
                  {node.path.join(' › ')}
                </option>
              ))}
            </select>
          </label>
          {info.filters && (
            <>
              <label>
                Coder{' '}
                <select value={coder} onChange={(event) => setCoder(event.target.value)}>
                  <option value="">All coders</option>
                  {coders.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Transcript{' '}
                <select value={transcript} onChange={(event) => setTranscript(event.target.value)}>
                  <option value="">All transcripts</option>
                  {transcripts.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.title}
                    </option>
                  ))}
                </select>
              </label>
            </>
          )}
          {format === 'matrix' && (
            <>
              <label>
                Unit{' '}
                <select value={unit} onChange={(event) => setUnit(event.target.value as MatrixUnit)}>
                  {MATRIX_UNITS.map((u) => (
                    <option key={u} value={u}>
                      {u}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <input type="checkbox" checked={recal} onChange={(event) => setRecal(event.target.checked)} /> ReCal
                form (no header, units every coder rated)
              </label>
            </>
          )}
        </fieldset>
      )}
      <div className="row">
        <button type="button" onClick={download} disabled={busy || problem !== null}>
          {busy ? 'Preparing…' : 'Download'}
        </button>
        {problem && <span className="muted">To download, {problem}.</span>}
        {busy && <ExportProgress progress={progress} />}
      </div>
      {error && (
        <p className="error" role="alert">
          The export failed: {error}
        </p>
      )}
      <output className="ok" aria-live="polite">
        {saved}
      </output>
    </section>
  );
}

const kib = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024)).toLocaleString()} KiB`;

/**
 * What a download is doing: the server preparing the file (no measure of how far, so indeterminate), then the
 * bytes arriving against the announced size. Shown only while busy, so a quick export never flashes a bar.
 */
function ExportProgress({ progress }: { progress: DownloadProgress | null }) {
  const label =
    progress === null
      ? 'Preparing the export…'
      : progress.total === null
        ? `Downloading… ${kib(progress.received)}`
        : `Downloading… ${kib(progress.received)} of ${kib(progress.total)}`;
  return (
    <span className="export-progress">
      {progress?.total ? (
        <progress value={progress.received} max={progress.total} aria-label={label} />
      ) : (
        <progress aria-label={label} />
      )}{' '}
      <span className="muted">{label}</span>
    </span>
  );
}
