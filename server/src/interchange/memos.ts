import type { BundleMemo, BundleUser } from './bundle.js';

/**
 * Free-standing memos between a bundle and Accord's memo documents (`p/<project>/memos/<memo>`, a `Y.Text`). The
 * web client knows three kinds, and a REFI-QDA note maps onto them by what it is attached to:
 *
 * | note attached to | memo id              |
 * |------------------|----------------------|
 * | a source         | `t-<transcriptId>`   |
 * | a code           | `code-<codeId>`      |
 * | nothing          | `project`            |
 *
 * A memo document holds one text, while REFI-QDA may attach several notes to one thing, each with a title, an
 * author and a date. `memoTextToAppend` keeps all of them: each note becomes a block under a header line naming
 * it, and the blocks are appended to what the memo already holds. One note without any of those details (which is
 * what Accord's own export writes) goes in as it is, so a project survives export, import and export unchanged.
 */
export const PROJECT_MEMO = 'project';

export function transcriptMemoId(transcriptId: string): string {
  return `t-${transcriptId}`;
}

export function codeMemoId(codeId: string): string {
  return `code-${codeId}`;
}

/** The note name Accord's export gives a memo; on import, a note with exactly this name counts as untitled. */
export function defaultMemoTitle(about: BundleMemo['about'], targetName: string): string {
  if (about === null) return 'Project memo';
  return `${about.kind === 'code' ? 'Code memo' : 'Transcript memo'}: ${targetName}`;
}

/** The line that opens an imported note inside a memo, e.g. `--- Imported note: Method (Ana, 2023-11-14) ---`. */
export function noteHeader(memo: Pick<BundleMemo, 'title' | 'createdAt'>, author: string): string {
  const title = oneLine(memo.title);
  const details = [oneLine(author), memo.createdAt > 0 ? new Date(memo.createdAt).toISOString().slice(0, 10) : '']
    .filter((part) => part !== '')
    .join(', ');
  return `--- Imported note${title === '' ? '' : `: ${title}`}${details === '' ? '' : ` (${details})`} ---`;
}

/**
 * What to append to a memo that holds `existing` so that it also holds `notes` (all about the same thing, in
 * order). Empty when there is nothing to add. `defaultTitle` is the name Accord's export would give the memo.
 */
export function memoTextToAppend(
  existing: string,
  notes: readonly BundleMemo[],
  users: readonly BundleUser[],
  defaultTitle: string,
): string {
  const kept = notes.filter((note) => note.text.trim() !== '' || titleOf(note, defaultTitle) !== '');
  if (kept.length === 0) return '';
  const authorOf = (note: BundleMemo) =>
    note.userGuid === null ? '' : (users.find((user) => user.guid === note.userGuid)?.name ?? '');
  const [only] = kept;
  const plain =
    kept.length === 1 &&
    only !== undefined &&
    existing.trim() === '' &&
    titleOf(only, defaultTitle) === '' &&
    authorOf(only) === '' &&
    only.createdAt <= 0;
  if (plain) return only.text;
  const body = kept
    .map((note) => {
      const header = noteHeader({ title: titleOf(note, defaultTitle), createdAt: note.createdAt }, authorOf(note));
      return note.text === '' ? header : `${header}\n${note.text}`;
    })
    .join('\n\n');
  if (existing === '') return body;
  return `${existing.endsWith('\n\n') ? '' : existing.endsWith('\n') ? '\n' : '\n\n'}${body}`;
}

function titleOf(note: BundleMemo, defaultTitle: string): string {
  const title = note.title.trim();
  return title === defaultTitle ? '' : title;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
