import { type CleanupReport, cleanupText } from '@accord/shared/import/cleanup';
import { useMutation } from '@tanstack/react-query';
import { type DragEvent, type FormEvent, useCallback, useId, useRef, useState } from 'react';
import { errorText } from '../api/errors.js';
import type { Member } from '../api.js';
import { type ImportResult, importExportApi } from './api.js';
import {
  ACCEPT_ATTRIBUTE,
  buildImportRequest,
  type CoderChoice,
  type CoderPreview,
  defaultCoderChoice,
  describeSummary,
  extensionOf,
  fileProblem,
  type ImportRequest,
  kindLabel,
  pastedFileName,
  type TranscriptPreview,
  type UploadPreview,
} from './files.js';
import {
  initialEdits,
  mergedWith,
  resultingSpeakers,
  type SpeakerEdit,
  type SpeakerEdits,
  speakerProblems,
} from './speakers.js';

/**
 * Plain text that went through a page layout (line numbers, lines cut at the margin, running headers), as pasted
 * from a PDF or saved as `.txt` by a transcription service: the clean-up PDF import applies
 * (`shared/src/import/cleanup.ts`), offered with the text before and after; `applied` says which one is uploaded.
 */
interface CleanupOffer {
  before: string;
  after: string;
  report: CleanupReport;
  applied: boolean;
}

interface ItemBase {
  key: string;
  name: string;
  pasted: boolean;
  cleanup?: CleanupOffer;
}

type Item =
  | (ItemBase & { state: 'uploading' })
  | (ItemBase & { state: 'error'; error: string })
  | (ItemBase & { state: 'ready'; preview: UploadPreview; edits: SpeakerEdits[] });

/** Text files larger than this are not checked for clean-up in the browser (the server reads them as they are). */
const CLEANUP_MAX_BYTES = 8 * 1024 * 1024;

/** The clean-up of a `.txt` (or pasted text), when it would change something; null otherwise. */
async function cleanupOffer(name: string, body: Blob): Promise<CleanupOffer | null> {
  if (extensionOf(name) !== 'txt' || body.size > CLEANUP_MAX_BYTES) return null;
  const before = (await body.text()).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (before.includes('\uFFFD')) return null;
  const { text: after, report } = cleanupText(before);
  const changed = report.lineNumbers > 0 || report.joinedLines > 0 || report.headersAndFooters.length > 0;
  return changed && after.trim() !== '' ? { before, after, report, applied: false } : null;
}

const base = ({ key, name, pasted, cleanup }: Item): ItemBase =>
  cleanup === undefined ? { key, name, pasted } : { key, name, pasted, cleanup };

let nextKey = 0;

/**
 * The import wizard (owners): files are chosen, dropped or pasted; each is uploaded at once for a preview (nothing
 * is written yet); the owner corrects the detected speakers of each transcript and chooses the account of each
 * coder of a `.qdpx`; confirming imports everything in one all-or-nothing request.
 */
export function ImportWizard({
  projectId,
  members,
  onImported,
}: {
  projectId: string;
  members: readonly Member[];
  onImported: () => Promise<void>;
}) {
  const id = useId();
  const [items, setItems] = useState<Item[]>([]);
  const [coders, setCoders] = useState<Record<string, CoderChoice>>({});
  const [dragging, setDragging] = useState(false);
  const [done, setDone] = useState<ImportResult | null>(null);
  // Importing is one mutation; it reloads the project's data (transcripts, documents) when it is through.
  const imported = useMutation({
    mutationFn: (body: ImportRequest) => importExportApi.confirm(projectId, body),
    onSuccess: async (result) => {
      setItems([]);
      setCoders({});
      setDone(result);
      await onImported();
    },
  });
  const busy = imported.isPending;
  const error = imported.error ? errorText(imported.error) : null;
  const queue = useRef<Promise<void>>(Promise.resolve());
  const fileInput = useRef<HTMLInputElement>(null);

  const update = useCallback((key: string, change: (item: Item) => Item) => {
    setItems((all) => all.map((item) => (item.key === key ? change(item) : item)));
  }, []);

  const current = useRef(items);
  current.current = items;

  /** Uploads `body` for the item's preview (again after its clean-up is switched on or off). */
  const read = useCallback(
    (key: string, name: string, body: Blob) => {
      queue.current = queue.current.then(async () => {
        try {
          const preview = await importExportApi.upload(projectId, name, body);
          update(key, (item) => ({
            ...base(item),
            state: 'ready',
            preview,
            edits: preview.transcripts.map((transcript) => initialEdits(transcript.speakers)),
          }));
        } catch (caught) {
          const message = errorText(caught);
          update(key, (item) => ({
            ...base(item),
            state: 'error',
            error: message.startsWith(`${name}:`) ? message : `${name}: ${message}`,
          }));
        }
      });
    },
    [projectId, update],
  );

  /** Adds files (or pasted text as a file); uploads run one after the other, each shown as soon as it is read. */
  const add = useCallback(
    (files: { name: string; body: Blob; pasted: boolean }[]) => {
      setDone(null);
      imported.reset();
      const taken = current.current.map((item) => item.name);
      const added: Item[] = [];
      for (const file of files) {
        const key = `f${nextKey++}`;
        const problem = fileProblem(file.name, file.body.size, taken);
        taken.push(file.name);
        if (problem !== null) {
          added.push({ key, name: file.name, pasted: file.pasted, state: 'error', error: problem });
          continue;
        }
        added.push({ key, name: file.name, pasted: file.pasted, state: 'uploading' });
        // The clean-up is looked for before the upload, so that the preview shows it as soon as it shows the file.
        queue.current = queue.current.then(async () => {
          const offer = await cleanupOffer(file.name, file.body).catch(() => null);
          if (offer) update(key, (item) => ({ ...item, cleanup: offer }));
        });
        read(key, file.name, file.body);
      }
      // Seen by a second add before the next render (a drop right after a choice).
      current.current = [...current.current, ...added];
      setItems((all) => [...all, ...added]);
    },
    [update, read, imported.reset],
  );

  /** Switches an item's clean-up on or off: the text chosen is uploaded again for a new preview. */
  const setCleanup = (key: string, applied: boolean) => {
    const item = current.current.find((candidate) => candidate.key === key);
    if (!item?.cleanup || item.cleanup.applied === applied) return;
    const cleanup = { ...item.cleanup, applied };
    update(key, (was) => ({ ...base(was), cleanup, state: 'uploading' }));
    read(key, item.name, new Blob([applied ? cleanup.after : cleanup.before], { type: 'text/plain' }));
  };

  const remove = (key: string) => setItems((all) => all.filter((item) => item.key !== key));

  const onFiles = (list: FileList | null) => {
    if (!list || list.length === 0) return;
    add([...list].map((file) => ({ name: file.name, body: file, pasted: false })));
    if (fileInput.current) fileInput.current.value = '';
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    onFiles(event.dataTransfer.files);
  };

  const setEdit = (key: string, transcript: number, speaker: string, edit: SpeakerEdit) =>
    update(key, (item) => {
      if (item.state !== 'ready') return item;
      const edits = item.edits.slice();
      edits[transcript] = { ...edits[transcript], [speaker]: edit };
      return { ...item, edits };
    });

  const ready = items.filter((item): item is Extract<Item, { state: 'ready' }> => item.state === 'ready');
  const uploading = items.filter((item) => item.state === 'uploading').length;
  const failed = items.filter((item) => item.state === 'error');
  const speakerIssues = ready.flatMap((item) =>
    item.preview.transcripts.flatMap((transcript, i) =>
      speakerProblems(transcript.speakers, item.edits[i] ?? {}).map((problem) => `${transcript.title}: ${problem}`),
    ),
  );
  const blocked =
    items.length === 0
      ? 'Choose, drop or paste something to import.'
      : uploading > 0
        ? `Reading ${uploading} file${uploading === 1 ? '' : 's'}…`
        : failed.length > 0
          ? `Remove ${failed.length === 1 ? 'the file' : 'the files'} that could not be read (or fix and add again).`
          : speakerIssues.length > 0
            ? `Speakers: ${speakerIssues.join('; ')}.`
            : null;

  const confirm = () => {
    if (blocked !== null || busy) return;
    imported.mutate(buildImportRequest(ready, coders));
  };

  return (
    <section className="import-wizard" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Import</h2>
      <p className="muted">
        Transcripts (.txt, .md, .docx, .odt, .pdf, Zoom or Teams .vtt, .srt), whole projects (REFI-QDA .qdpx), codebooks
        (.qdc, .csv) and participant attributes (.csv). Each file is read for a preview first; nothing is imported until
        you confirm.
      </p>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a shortcut; the file input does the same */}
      <div
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
      >
        <label htmlFor={`${id}-files`}>Choose files to import</label>
        <input
          id={`${id}-files`}
          ref={fileInput}
          type="file"
          multiple
          accept={ACCEPT_ATTRIBUTE}
          onChange={(event) => onFiles(event.target.files)}
        />
        <span className="muted">or drop them here</span>
      </div>
      <PasteForm
        onAdd={(title, text) =>
          add([{ name: pastedFileName(title), body: new Blob([text], { type: 'text/plain' }), pasted: true }])
        }
      />
      {items.length > 0 && (
        <ul className="import-items" aria-label="Files to import">
          {items.map((item) => (
            <li key={item.key} className="import-item card" aria-busy={item.state === 'uploading'}>
              <div className="import-item-head">
                <strong>{item.pasted ? `Pasted: ${item.name.replace(/\.txt$/, '')}` : item.name}</strong>
                <span className="muted"> · {kindLabel(item.name) ?? 'unsupported'}</span>
                {item.state === 'uploading' && <span className="muted"> · reading…</span>}
                {item.state === 'ready' && <span> · {describeSummary(item.preview.summary)}</span>}
                <span className="spacer" />
                <button type="button" onClick={() => remove(item.key)} aria-label={`Remove ${item.name}`}>
                  Remove
                </button>
              </div>
              {item.cleanup && (
                <CleanupPreview
                  name={item.pasted ? item.name.replace(/\.txt$/, '') : item.name}
                  offer={item.cleanup}
                  disabled={item.state === 'uploading'}
                  onChange={(applied) => setCleanup(item.key, applied)}
                />
              )}
              {item.state === 'error' && (
                <p className="error" role="alert">
                  {item.error}
                </p>
              )}
              {item.state === 'ready' && (
                <UploadDetails
                  item={item}
                  members={members}
                  coders={coders}
                  onCoder={(guid, choice) => setCoders((was) => ({ ...was, [guid]: choice }))}
                  onEdit={(transcript, speaker, edit) => setEdit(item.key, transcript, speaker, edit)}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="error" role="alert">
          Nothing was imported. {error}
        </p>
      )}
      <div className="row import-confirm">
        <button type="button" className="primary" disabled={blocked !== null || busy} onClick={confirm}>
          {busy
            ? 'Importing…'
            : `Import ${ready.length === 0 ? '' : `${ready.length} ${ready.length === 1 ? 'item' : 'items'}`}`.trim()}
        </button>
        {blocked !== null && items.length > 0 && <span className="muted">{blocked}</span>}
      </div>
      <output aria-live="polite" className="ok">
        {done &&
          `Imported ${describeSummary(done.summary)}.${
            done.createdAccounts.length > 0
              ? ` New accounts (an administrator sets their passwords): ${done.createdAccounts.map((a) => a.name).join(', ')}.`
              : ''
          }${done.reusedCodes > 0 ? ` ${done.reusedCodes} codes were already in the codebook and were reused.` : ''}`}
      </output>
      {done && done.warnings.length > 0 && (
        <ul className="warnings" aria-label="Import warnings">
          {done.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** How much of the text before and after the clean-up the preview shows: its first lines, within a length. */
const PREVIEW_LINES = 12;
const PREVIEW_CHARS = 700;

function previewLines(text: string): string {
  const lines = text.split('\n');
  let shown = lines.slice(0, PREVIEW_LINES).join('\n');
  if (shown.length > PREVIEW_CHARS) shown = shown.slice(0, shown.lastIndexOf(' ', PREVIEW_CHARS) + 1 || PREVIEW_CHARS);
  return shown.trimEnd().length < text.trimEnd().length ? `${shown.trimEnd()} …` : shown.trimEnd();
}

function describeCleanup(report: CleanupReport): string {
  const parts: string[] = [];
  if (report.lineNumbers > 0) {
    parts.push(`${report.lineNumbers} line number${report.lineNumbers === 1 ? '' : 's'} removed`);
  }
  if (report.joinedLines > 0) {
    parts.push(`${report.joinedLines} line break${report.joinedLines === 1 ? '' : 's'} inside paragraphs joined`);
  }
  const headers = report.headersAndFooters.length;
  if (headers > 0)
    parts.push(`${headers} running header${headers === 1 ? '' : 's'} or footer${headers === 1 ? '' : 's'} removed`);
  return parts.join(', ');
}

/**
 * The clean-up offered for text with line numbers or hard wraps: what it would do, the start of the text before
 * and after it side by side, and the choice (off until the owner turns it on: the text is theirs).
 */
function CleanupPreview({
  name,
  offer,
  disabled,
  onChange,
}: {
  name: string;
  offer: CleanupOffer;
  disabled: boolean;
  onChange: (applied: boolean) => void;
}) {
  return (
    <fieldset className="cleanup">
      <legend className="cleanup-title">
        <strong>{name} looks like text from a page layout.</strong> Clean-up: {describeCleanup(offer.report)}.
      </legend>
      <div className="cleanup-compare">
        <figure>
          <figcaption>Before</figcaption>
          <pre data-testid="cleanup-before">{previewLines(offer.before)}</pre>
        </figure>
        <figure>
          <figcaption>After clean-up</figcaption>
          <pre data-testid="cleanup-after">{previewLines(offer.after)}</pre>
        </figure>
      </div>
      <label className="cleanup-choice">
        <input
          type="checkbox"
          checked={offer.applied}
          disabled={disabled}
          onChange={(event) => onChange(event.target.checked)}
        />{' '}
        Import the cleaned text (line numbers removed, wrapped lines joined)
      </label>
    </fieldset>
  );
}

function PasteForm({ onAdd }: { onAdd: (title: string, text: string) => void }) {
  const id = useId();
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() === '' || text.trim() === '') return;
    onAdd(title, text);
    setTitle('');
    setText('');
  };
  return (
    <details className="paste">
      <summary>Paste a transcript instead</summary>
      <form className="form" onSubmit={submit} aria-label="Paste a transcript">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          required
          maxLength={200}
          value={title}
          onChange={(event) => setTitle(event.target.value)}
        />
        <label htmlFor={`${id}-text`}>Text (speaker turns as “Name: words”, one per line)</label>
        <textarea id={`${id}-text`} required rows={8} value={text} onChange={(event) => setText(event.target.value)} />
        <button type="submit">Add pasted text</button>
      </form>
    </details>
  );
}

function UploadDetails({
  item,
  members,
  coders,
  onCoder,
  onEdit,
}: {
  item: { preview: UploadPreview; edits: SpeakerEdits[] };
  members: readonly Member[];
  coders: Readonly<Record<string, CoderChoice>>;
  onCoder: (guid: string, choice: CoderChoice) => void;
  onEdit: (transcript: number, speaker: string, edit: SpeakerEdit) => void;
}) {
  const { preview } = item;
  return (
    <div className="import-details">
      {preview.warnings.length > 0 && (
        <ul className="warnings" aria-label={`Warnings for ${preview.name}`}>
          {preview.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      {preview.transcripts.map((transcript, i) => (
        <TranscriptSpeakers
          key={transcript.title}
          transcript={transcript}
          edits={item.edits[i] ?? {}}
          onEdit={(speaker, edit) => onEdit(i, speaker, edit)}
        />
      ))}
      {preview.codes.length > 0 && (
        <p className="muted">
          Codes:{' '}
          {preview.codes
            .slice(0, 12)
            .map((code) => code.name)
            .join(', ')}
          {preview.codes.length > 12 ? `, and ${preview.codes.length - 12} more` : ''}. Codes already in the codebook
          (same name and place) are reused.
        </p>
      )}
      {preview.coders.length > 0 && (
        <CoderAccounts preview={preview} members={members} coders={coders} onCoder={onCoder} />
      )}
    </div>
  );
}

function TranscriptSpeakers({
  transcript,
  edits,
  onEdit,
}: {
  transcript: TranscriptPreview;
  edits: SpeakerEdits;
  onEdit: (speaker: string, edit: SpeakerEdit) => void;
}) {
  const id = useId();
  const after = resultingSpeakers(transcript.speakers, edits);
  return (
    <div className="import-transcript">
      <h3 id={`${id}-title`}>{transcript.title}</h3>
      <p className="muted">
        {transcript.characters.toLocaleString()} characters · {transcript.turns} turns
      </p>
      <blockquote className="excerpt" aria-label={`Start of ${transcript.title}`}>
        {transcript.excerpt.length > 300 ? `${transcript.excerpt.slice(0, 300)}…` : transcript.excerpt}
      </blockquote>
      {transcript.speakers.length === 0 ? (
        <p className="muted">No speakers detected: the text is imported as paragraphs.</p>
      ) : (
        <table className="speakers" aria-labelledby={`${id}-caption`}>
          <caption id={`${id}-caption`}>Speakers detected in {transcript.title}</caption>
          <thead>
            <tr>
              <th scope="col">Detected</th>
              <th scope="col">Turns</th>
              <th scope="col">Name in Accord</th>
              <th scope="col">Not a speaker</th>
            </tr>
          </thead>
          <tbody>
            {transcript.speakers.map((speaker) => {
              const edit = edits[speaker.name] ?? { name: speaker.name, drop: false };
              const merged = mergedWith(transcript.speakers, edits, speaker.name);
              return (
                <tr key={speaker.name} className={edit.drop ? 'dropped' : undefined}>
                  <th scope="row">
                    {speaker.name}
                    {speaker.similarTo && (
                      <span className="hint"> (looks like a misspelling of {speaker.similarTo})</span>
                    )}
                  </th>
                  <td>{speaker.turns}</td>
                  <td>
                    <input
                      aria-label={`New name for ${speaker.name} in ${transcript.title}`}
                      value={edit.name}
                      disabled={edit.drop}
                      maxLength={200}
                      onChange={(event) => onEdit(speaker.name, { ...edit, name: event.target.value })}
                    />
                    {merged.length > 0 && <span className="hint"> merged with {merged.join(', ')}</span>}
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Drop ${speaker.name} in ${transcript.title} (not a speaker)`}
                      checked={edit.drop}
                      onChange={(event) => onEdit(speaker.name, { ...edit, drop: event.target.checked })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {transcript.speakers.length > 0 && (
        <p className="muted" data-testid="speakers-after">
          After import: {after.length === 0 ? 'no speakers' : after.map((s) => `${s.name} (${s.turns})`).join(', ')}
        </p>
      )}
    </div>
  );
}

function CoderAccounts({
  preview,
  members,
  coders,
  onCoder,
}: {
  preview: UploadPreview;
  members: readonly Member[];
  coders: Readonly<Record<string, CoderChoice>>;
  onCoder: (guid: string, choice: CoderChoice) => void;
}) {
  const id = useId();
  return (
    <table className="coders" aria-labelledby={`${id}-caption`}>
      <caption id={`${id}-caption`}>Coders in {preview.name}</caption>
      <thead>
        <tr>
          <th scope="col">Coder in the file</th>
          <th scope="col">Codings</th>
          <th scope="col">Account in Accord</th>
        </tr>
      </thead>
      <tbody>
        {preview.coders.map((coder) => {
          const choice = coders[coder.guid] ?? defaultCoderChoice(coder);
          const value = choice === 'create' ? 'create' : choice.account;
          return (
            <tr key={coder.guid}>
              <th scope="row">{coder.name || coder.guid}</th>
              <td>{preview.summary.codingsPerCoder[coder.name || coder.guid] ?? 0}</td>
              <td>
                <select
                  aria-label={`Account for ${coder.name || coder.guid}`}
                  value={value}
                  onChange={(event) =>
                    onCoder(coder.guid, event.target.value === 'create' ? 'create' : { account: event.target.value })
                  }
                >
                  {accountOptions(coder, members).map(([optionValue, label]) => (
                    <option key={optionValue} value={optionValue}>
                      {label}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Create an account, the account the server matched, or any member of the project. */
function accountOptions(coder: CoderPreview, members: readonly Member[]): [string, string][] {
  const options: [string, string][] = [['create', 'Create a new account']];
  const suggested = coder.suggestedAccount;
  if (suggested !== null && !members.some((member) => member.userId === suggested)) {
    options.push([suggested, `Existing account “${coder.name}” (same name or earlier import)`]);
  }
  for (const member of members) {
    const note = member.userId === suggested ? ' (matched)' : '';
    options.push([member.userId, `${member.name} <${member.email}>${note}`]);
  }
  return options;
}
