import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { errorText } from '../api/errors.js';
import type { TranscriptMeta } from '../api.js';
import { buildTree, flattenTree } from '../codebook/tree.js';
import { useT } from '../i18n/index.js';
import { useDoc } from '../sync/hooks.js';
import { useCodebook } from '../sync/model.js';
import { Button } from '../ui/Button.js';
import { type DownloadProgress, importExportApi, isCancelled } from './api.js';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  exportProblem,
  exportUrl,
  MATRIX_UNIT_LABELS,
  MATRIX_UNITS,
  type MatrixUnit,
  progressText,
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
  const t = useT();

  const info = EXPORT_FORMATS.find((f) => f.format === format)!;
  const options = { format, code, coder, transcript, unit, recal };
  const problem = exportProblem(options, t);

  /** Stops the running export (while the server prepares it or while it arrives). */
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const exported = useMutation({
    mutationFn: ({ url, fileName }: { url: string; fileName: string; label: string }) => {
      setProgress(null);
      abort.current = new AbortController();
      return importExportApi.download(url, fileName, setProgress, abort.current.signal);
    },
  });
  const download = () => {
    if (problem === null)
      exported.mutate({
        url: exportUrl(projectId, options),
        fileName: `${projectName}.${format}`,
        label: t(info.label),
      });
  };
  const busy = exported.isPending;
  const wasCancelled = isCancelled(exported.error);
  const saved = exported.isSuccess
    ? t('export.downloaded', { file: exported.data })
    : wasCancelled
      ? t('export.cancelled')
      : null;
  const message = exported.error && !wasCancelled ? errorText(exported.error) : null;
  // The export knows coders by their codings: a member who has coded nothing is "no coder" to it.
  const error =
    exported.error && !wasCancelled && /^no coder /.test(exported.error.message) ? t('export.noCodings') : message;

  return (
    <section className="export-menu" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('export.title')}</h2>
      <fieldset>
        <legend>{t('export.format')}</legend>
        {EXPORT_FORMATS.map((f) => (
          <label key={f.format} className="export-format">
            <input
              type="radio"
              name={`${id}-format`}
              value={f.format}
              checked={format === f.format}
              onChange={() => setFormat(f.format)}
            />{' '}
            {t(f.label)} <span className="muted">— {t(f.detail)}</span>
          </label>
        ))}
      </fieldset>
      {(info.filters || format === 'matrix') && (
        <fieldset className="export-filters">
          <legend>{t(format === 'matrix' ? 'export.matrix' : 'export.filters')}</legend>
          <label>
            {t(format === 'matrix' ? 'export.codeWithSubcodes' : 'export.code')}{' '}
            <select value={code} onChange={(event) => setCode(event.target.value)}>
              <option value="">{t(format === 'matrix' ? 'export.chooseCode' : 'export.allCodes')}</option>
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
                {t('export.coder')}{' '}
                <select value={coder} onChange={(event) => setCoder(event.target.value)}>
                  <option value="">{t('export.allCoders')}</option>
                  {coders.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('export.transcript')}{' '}
                <select value={transcript} onChange={(event) => setTranscript(event.target.value)}>
                  <option value="">{t('export.allTranscripts')}</option>
                  {transcripts.map((entry) => (
                    <option key={entry.id} value={entry.id}>
                      {entry.title}
                    </option>
                  ))}
                </select>
              </label>
            </>
          )}
          {format === 'matrix' && (
            <>
              <label>
                {t('export.unit')}{' '}
                <select value={unit} onChange={(event) => setUnit(event.target.value as MatrixUnit)}>
                  {MATRIX_UNITS.map((u) => (
                    <option key={u} value={u}>
                      {t(MATRIX_UNIT_LABELS[u])}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <input type="checkbox" checked={recal} onChange={(event) => setRecal(event.target.checked)} />{' '}
                {t('export.recal')}
              </label>
            </>
          )}
        </fieldset>
      )}
      <div className="row">
        <button type="button" onClick={download} disabled={busy || problem !== null}>
          {t(busy ? 'export.preparingButton' : 'export.download')}
        </button>
        {problem && <span className="muted">{t('export.toDownload', { problem })}</span>}
        {busy && exported.variables && (
          <ExportProgress
            label={exported.variables.label}
            progress={progress}
            onCancel={() => abort.current?.abort()}
          />
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {t('export.failed', { error })}
        </p>
      )}
      <output className="ok" aria-live="polite">
        {saved}
      </output>
    </section>
  );
}

/**
 * What a download is doing: the server preparing the file (no measure of how far, so indeterminate), then the
 * bytes arriving against the announced size (Content-Length), with a way to stop it. Shown only while busy, so a
 * quick export never flashes more than a moment.
 */
function ExportProgress({
  label,
  progress,
  onCancel,
}: {
  label: string;
  progress: DownloadProgress | null;
  onCancel: () => void;
}) {
  const t = useT();
  const text = progressText(label, progress, t);
  return (
    <span className="export-progress" data-testid="export-progress">
      {progress?.total ? (
        <progress value={progress.received} max={progress.total} aria-label={text} />
      ) : (
        <progress aria-label={text} />
      )}{' '}
      <span className="muted">{text}</span>{' '}
      <Button size="sm" variant="quiet" onPress={onCancel} aria-label={t('export.cancelOf', { label })}>
        {t('export.cancel')}
      </Button>
    </span>
  );
}
