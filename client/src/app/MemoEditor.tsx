import { docName, memoText } from '@accord/shared';
import { useEffect, useId, useRef } from 'react';
import { diffText, transformIndex } from '../coding/textDiff.js';
import { LOCAL_ORIGIN, undoHistory } from '../coding/undo.js';
import { useT } from '../i18n/index.js';
import { useDoc, useSynced } from '../sync/hooks.js';

/**
 * A memo (`p/<project>/memos/<memo>`) as a collaboratively edited plain-text area: each input becomes the
 * smallest splice of the Y.Text, and remote changes move the local caret with the text instead of resetting it.
 */
export function MemoEditor({
  project,
  memo,
  label,
  readOnly,
}: {
  project: string;
  memo: string;
  label: string;
  readOnly: boolean;
}) {
  const open = useDoc(docName({ kind: 'memo', project, memo }));
  const synced = useSynced(open);
  const area = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const t = useT();
  const ytext = open ? memoText(open.doc) : null;

  useEffect(() => {
    const element = area.current;
    if (!ytext || !element) return;
    element.value = ytext.toString();
    // Typing within half a second is one undo step; undo and redo come back through `remote` below.
    if (!readOnly) undoHistory.track(ytext.doc!, [ytext], { captureTimeout: 500 });
    const remote = (event: { delta: unknown; transaction: { origin: unknown } }) => {
      if (event.transaction.origin === LOCAL_ORIGIN) return;
      const delta = event.delta as Parameters<typeof transformIndex>[1];
      const start = transformIndex(element.selectionStart, delta);
      const end = transformIndex(element.selectionEnd, delta);
      element.value = ytext.toString();
      if (document.activeElement === element) element.setSelectionRange(start, end);
    };
    ytext.observe(remote);
    return () => ytext.unobserve(remote);
  }, [ytext, readOnly]);

  const input = () => {
    const element = area.current;
    if (!ytext || !element) return;
    const splice = diffText(ytext.toString(), element.value);
    if (splice === null) return;
    ytext.doc!.transact(() => {
      if (splice.remove > 0) ytext.delete(splice.index, splice.remove);
      if (splice.insert) ytext.insert(splice.index, splice.insert);
    }, LOCAL_ORIGIN);
  };

  return (
    <div className="memo">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        ref={area}
        className="memo-text"
        rows={8}
        readOnly={readOnly || !synced}
        aria-busy={!synced}
        placeholder={t(synced ? (readOnly ? 'memo.placeholderReadOnly' : 'memo.placeholder') : 'loading.data')}
        onInput={input}
      />
    </div>
  );
}
