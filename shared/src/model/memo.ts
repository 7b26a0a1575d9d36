import type * as Y from 'yjs';

/** A memo document (`p/<project>/memos/<memo>`): collaboratively edited text under `memo`. */
export const MEMO_KEY = 'memo';

export function memoText(doc: Y.Doc): Y.Text {
  return doc.getText(MEMO_KEY);
}
