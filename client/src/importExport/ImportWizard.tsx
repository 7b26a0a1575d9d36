import { type CleanupReport, cleanupText } from '@accord/shared/import/cleanup';
import { useMutation } from '@tanstack/react-query';
import { type DragEvent, type FormEvent, useCallback, useId, useRef, useState } from 'react';
import { errorText } from '../api/errors.js';
import type { Member } from '../api.js';
import { type Translate, useIntl, useT } from '../i18n/index.js';
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
  const t = useT();
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
        const problem = fileProblem(file.name, file.body.size, taken, t);
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
    [update, read, imported.reset, t],
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
      speakerProblems(transcript.speakers, item.edits[i] ?? {}, t).map((problem) => `${transcript.title}: ${problem}`),
    ),
  );
  const blocked =
    items.length === 0
      ? t('wizard.nothingYet')
      : uploading > 0
        ? t('wizard.reading', { count: uploading })
        : failed.length > 0
          ? t('wizard.removeFailed', { count: failed.length })
          : speakerIssues.length > 0
            ? t('wizard.speakers', { issues: speakerIssues.join('; ') })
            : null;

  const confirm = () => {
    if (blocked !== null || busy) return;
    imported.mutate(buildImportRequest(ready, coders));
  };

  return (
    <section className="import-wizard" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('wizard.title')}</h2>
      <p className="muted">{t('wizard.intro')}</p>
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
        <label htmlFor={`${id}-files`}>{t('wizard.choose')}</label>
        <input
          id={`${id}-files`}
          ref={fileInput}
          type="file"
          multiple
          accept={ACCEPT_ATTRIBUTE}
          onChange={(event) => onFiles(event.target.files)}
        />
        <span className="muted">{t('wizard.orDrop')}</span>
      </div>
      <PasteForm
        onAdd={(title, text) =>
          add([{ name: pastedFileName(title), body: new Blob([text], { type: 'text/plain' }), pasted: true }])
        }
      />
      {items.length > 0 && (
        <ul className="import-items" aria-label={t('wizard.files')}>
          {items.map((item) => (
            <li key={item.key} className="import-item card" aria-busy={item.state === 'uploading'}>
              <div className="import-item-head">
                <strong>
                  {item.pasted ? t('wizard.pasted', { title: item.name.replace(/\.txt$/, '') }) : item.name}
                </strong>
                <span className="muted"> · {kindLabel(item.name, t) ?? t('wizard.unsupported')}</span>
                {item.state === 'uploading' && <span className="muted">{t('wizard.readingOne')}</span>}
                {item.state === 'ready' && <span> · {describeSummary(item.preview.summary, t)}</span>}
                <span className="spacer" />
                <button
                  type="button"
                  onClick={() => remove(item.key)}
                  aria-label={t('wizard.removeName', { name: item.name })}
                >
                  {t('wizard.remove')}
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
          {t('wizard.nothingImported', { error })}
        </p>
      )}
      <div className="row import-confirm">
        <button type="button" className="primary" disabled={blocked !== null || busy} onClick={confirm}>
          {busy
            ? t('wizard.importing')
            : ready.length === 0
              ? t('wizard.import')
              : t('wizard.importItems', { count: ready.length })}
        </button>
        {blocked !== null && items.length > 0 && <span className="muted">{blocked}</span>}
      </div>
      <output aria-live="polite" className="ok">
        {done &&
          t('wizard.imported', { summary: describeSummary(done.summary, t) }) +
            (done.createdAccounts.length > 0
              ? t('wizard.newAccounts', { names: done.createdAccounts.map((a) => a.name).join(', ') })
              : '') +
            (done.reusedCodes > 0 ? t('wizard.reused', { count: done.reusedCodes }) : '')}
      </output>
      {done && done.warnings.length > 0 && (
        <ul className="warnings" aria-label={t('wizard.warnings')}>
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

function describeCleanup(report: CleanupReport, t: Translate): string {
  const parts: string[] = [];
  if (report.lineNumbers > 0) parts.push(t('cleanup.lineNumbers', { count: report.lineNumbers }));
  if (report.joinedLines > 0) parts.push(t('cleanup.joined', { count: report.joinedLines }));
  const headers = report.headersAndFooters.length;
  if (headers > 0) parts.push(t('cleanup.headers', { count: headers }));
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
  const t = useT();
  return (
    <fieldset className="cleanup">
      <legend className="cleanup-title">
        <strong>{t('cleanup.looksLike', { name })}</strong>{' '}
        {t('cleanup.what', { what: describeCleanup(offer.report, t) })}
      </legend>
      <div className="cleanup-compare">
        <figure>
          <figcaption>{t('cleanup.before')}</figcaption>
          <pre data-testid="cleanup-before">{previewLines(offer.before)}</pre>
        </figure>
        <figure>
          <figcaption>{t('cleanup.after')}</figcaption>
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
        {t('cleanup.apply')}
      </label>
    </fieldset>
  );
}

function PasteForm({ onAdd }: { onAdd: (title: string, text: string) => void }) {
  const id = useId();
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const t = useT();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() === '' || text.trim() === '') return;
    onAdd(title, text);
    setTitle('');
    setText('');
  };
  return (
    <details className="paste">
      <summary>{t('paste.summary')}</summary>
      <form className="form" onSubmit={submit} aria-label={t('paste.label')}>
        <label htmlFor={`${id}-title`}>{t('paste.title')}</label>
        <input
          id={`${id}-title`}
          required
          maxLength={200}
          value={title}
          onChange={(event) => setTitle(event.target.value)}
        />
        <label htmlFor={`${id}-text`}>{t('paste.text')}</label>
        <textarea id={`${id}-text`} required rows={8} value={text} onChange={(event) => setText(event.target.value)} />
        <button type="submit">{t('paste.add')}</button>
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
  const t = useT();
  return (
    <div className="import-details">
      {preview.warnings.length > 0 && (
        <ul className="warnings" aria-label={t('details.warningsFor', { name: preview.name })}>
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
          {(() => {
            const shown = preview.codes
              .slice(0, 12)
              .map((code) => code.name)
              .join(', ');
            const codes =
              preview.codes.length > 12
                ? t('details.andMore', { codes: shown, count: preview.codes.length - 12 })
                : shown;
            return t('details.codes', { codes });
          })()}
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
  const t = useT();
  const intl = useIntl();
  return (
    <div className="import-transcript">
      <h3 id={`${id}-title`}>{transcript.title}</h3>
      <p className="muted">
        {t('details.size', { characters: intl.formatNumber(transcript.characters), turns: transcript.turns })}
      </p>
      <blockquote className="excerpt" aria-label={t('details.start', { title: transcript.title })}>
        {transcript.excerpt.length > 300 ? `${transcript.excerpt.slice(0, 300)}…` : transcript.excerpt}
      </blockquote>
      {transcript.speakers.length === 0 ? (
        <p className="muted">{t('details.noSpeakers')}</p>
      ) : (
        <table className="speakers" aria-labelledby={`${id}-caption`}>
          <caption id={`${id}-caption`}>{t('details.speakersIn', { title: transcript.title })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('details.detected')}</th>
              <th scope="col">{t('details.turns')}</th>
              <th scope="col">{t('details.nameInAccord')}</th>
              <th scope="col">{t('details.notSpeaker')}</th>
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
                      <span className="hint">{t('details.misspelling', { name: speaker.similarTo })}</span>
                    )}
                  </th>
                  <td>{speaker.turns}</td>
                  <td>
                    <input
                      aria-label={t('details.newName', { speaker: speaker.name, title: transcript.title })}
                      value={edit.name}
                      disabled={edit.drop}
                      maxLength={200}
                      onChange={(event) => onEdit(speaker.name, { ...edit, name: event.target.value })}
                    />
                    {merged.length > 0 && (
                      <span className="hint">{t('details.mergedWith', { names: merged.join(', ') })}</span>
                    )}
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('details.drop', { speaker: speaker.name, title: transcript.title })}
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
          {t('details.after', {
            speakers:
              after.length === 0 ? t('details.noneAfter') : after.map((s) => `${s.name} (${s.turns})`).join(', '),
          })}
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
  const t = useT();
  return (
    <table className="coders" aria-labelledby={`${id}-caption`}>
      <caption id={`${id}-caption`}>{t('coders.in', { name: preview.name })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('coders.inFile')}</th>
          <th scope="col">{t('coders.codings')}</th>
          <th scope="col">{t('coders.account')}</th>
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
                  aria-label={t('coders.accountFor', { name: coder.name || coder.guid })}
                  value={value}
                  onChange={(event) =>
                    onCoder(coder.guid, event.target.value === 'create' ? 'create' : { account: event.target.value })
                  }
                >
                  {accountOptions(coder, members, t).map(([optionValue, label]) => (
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
function accountOptions(coder: CoderPreview, members: readonly Member[], t: Translate): [string, string][] {
  const options: [string, string][] = [['create', t('coders.create')]];
  const suggested = coder.suggestedAccount;
  if (suggested !== null && !members.some((member) => member.userId === suggested)) {
    options.push([suggested, t('coders.existing', { name: coder.name })]);
  }
  for (const member of members) {
    const note = member.userId === suggested ? t('coders.matched') : '';
    options.push([member.userId, `${member.name} <${member.email}>${note}`]);
  }
  return options;
}
