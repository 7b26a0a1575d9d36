import { type RefObject, useEffect, useRef, useState } from 'react';
import { Input, Label, TextArea, TextField } from 'react-aria-components';

/** How long typing may pause before the text is shared (and becomes one undo step). */
const COMMIT_AFTER_MS = 800;

/**
 * A text field over a shared value that is written when the person pauses, leaves the field or presses Enter (a
 * one-line field), not at every key: co-researchers see whole words arrive, and each pause is one undo step.
 * While the field has focus a change from someone else does not overwrite what is being typed; it shows once the
 * field is left without a change of one's own.
 */
export function DraftField({
  label,
  value,
  onCommit,
  multiline = false,
  readOnly = false,
  placeholder,
  inputRef,
  className,
}: {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  multiline?: boolean;
  readOnly?: boolean;
  placeholder?: string;
  inputRef?: RefObject<HTMLInputElement | HTMLTextAreaElement | null>;
  className?: string;
}) {
  const [draft, setDraft] = useState(value);
  const editing = useRef(false);
  /** Typed into since the last write: only then is there something of one's own to write. */
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef({ draft, value, onCommit });
  latest.current = { draft, value, onCommit };

  useEffect(() => {
    if (!editing.current) setDraft(value);
  }, [value]);

  /** Writes what was typed, if anything; true when it wrote. */
  const commit = (): boolean => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (!dirty.current) return false;
    dirty.current = false;
    const { draft: text, value: shared, onCommit: write } = latest.current;
    if (text === shared) return false;
    write(text);
    return true;
  };
  // Leaving the page (or the theme being closed) with a pending pause still writes it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: commit reads the latest values through a ref
  useEffect(
    () => () => {
      commit();
    },
    [],
  );

  return (
    <TextField
      className={['ui-field', className ?? ''].join(' ').trim()}
      value={draft}
      isReadOnly={readOnly}
      onChange={(text) => {
        editing.current = true;
        dirty.current = true;
        setDraft(text);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(commit, COMMIT_AFTER_MS);
      }}
      onFocus={() => {
        editing.current = true;
      }}
      onBlur={() => {
        const wrote = commit();
        editing.current = false;
        // Nothing of one's own to keep: show the shared value (someone else may have changed it meanwhile).
        if (!wrote) setDraft(latest.current.value);
      }}
      onKeyDown={(event) => {
        if (!multiline && event.key === 'Enter') commit();
        else event.continuePropagation();
      }}
    >
      <Label className="ui-label">{label}</Label>
      {multiline ? (
        <TextArea
          ref={inputRef as RefObject<HTMLTextAreaElement>}
          className="ui-input ui-textarea"
          placeholder={placeholder}
        />
      ) : (
        <Input ref={inputRef as RefObject<HTMLInputElement>} className="ui-input" placeholder={placeholder} />
      )}
    </TextField>
  );
}
