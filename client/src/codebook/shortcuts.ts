import { resolveCode } from '@accord/shared';
import { useCallback, useEffect, useMemo, useState } from 'react';

/** The digit keys 1-9: slot i is the key i + 1. */
export const SHORTCUT_SLOTS = 9;

/**
 * A user's digit keys in a project: slot i holds the code on key i + 1 (or null), and `seen` the codes that were
 * ever offered a key, so that a code the user took a key from, or that found no free key, is not given one behind
 * their back later; only codes new to the codebook fill free keys.
 */
export interface Shortcuts {
  slots: (string | null)[];
  seen: string[];
}

export const NO_SHORTCUTS: Shortcuts = { slots: [], seen: [] };

/**
 * The stable digit assignment: the stored keys, codes resolved through merges (a deleted code frees its key, a code
 * merged into one that already has a key frees the second), free keys filled with codes new to the codebook in
 * codebook order. Nothing ever moves by use: a code keeps its key until the user changes it.
 */
export function assignShortcuts(
  stored: Shortcuts,
  codebookOrder: readonly string[],
  redirects: ReadonlyMap<string, string> = new Map(),
): Shortcuts {
  const known = new Set(codebookOrder);
  const slots: (string | null)[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < SHORTCUT_SLOTS; i++) {
    const raw = stored.slots[i] ?? null;
    const code = raw === null || raw === '' ? null : resolveCode(redirects, raw);
    if (code !== null && known.has(code) && !taken.has(code)) {
      slots.push(code);
      taken.add(code);
    } else slots.push(null);
  }
  const seen = new Set(stored.seen.map((id) => resolveCode(redirects, id) ?? id));
  const fresh = codebookOrder.filter((id) => !taken.has(id) && !seen.has(id));
  for (let i = 0; i < SHORTCUT_SLOTS && fresh.length > 0; i++) {
    if (slots[i] === null) slots[i] = fresh.shift()!;
  }
  return { slots, seen: [...codebookOrder] };
}

/**
 * Puts `code` on slot `slot` (null: takes its key away). The code that had that key takes the moved code's old
 * key in exchange (or none), so that a change never shifts any other code.
 */
export function reassign(current: Shortcuts, code: string, slot: number | null): Shortcuts {
  const slots: (string | null)[] = Array.from({ length: SHORTCUT_SLOTS }, (_, i) => current.slots[i] ?? null);
  const from = slots.indexOf(code);
  if (slot === null) {
    if (from >= 0) slots[from] = null;
  } else {
    const holder = slots[slot] ?? null;
    if (from >= 0) slots[from] = holder;
    slots[slot] = code;
  }
  return { slots, seen: current.seen.includes(code) ? current.seen : [...current.seen, code] };
}

function storageKey(user: string, project: string): string {
  return `accord.shortcuts.${user}.${project}`;
}

function load(key: string): Shortcuts {
  try {
    const parsed = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<Shortcuts> | null;
    const strings = (value: unknown) =>
      Array.isArray(value) ? value.map((v) => (typeof v === 'string' && v !== '' ? v : null)) : [];
    return {
      slots: strings(parsed?.slots),
      seen: strings(parsed?.seen).filter((v): v is string => v !== null),
    };
  } catch {
    return NO_SHORTCUTS;
  }
}

/**
 * This user's digit keys in this project, kept in the browser (per user, per project). The assignment is written
 * back as soon as it is computed, so that codes added to the codebook later never push a code off its key.
 */
export function useShortcuts(
  user: string,
  project: string,
  codebookOrder: readonly string[],
  redirects: ReadonlyMap<string, string>,
): { slots: (string | null)[]; assign: (code: string, slot: number | null) => void } {
  const key = storageKey(user, project);
  const [stored, setStored] = useState<Shortcuts>(() => load(key));
  useEffect(() => setStored(load(key)), [key]);
  // Before the codebook has loaded there is nothing to assign, and nothing must be written.
  const assigned = useMemo(
    () => (codebookOrder.length === 0 ? null : assignShortcuts(stored, codebookOrder, redirects)),
    [stored, codebookOrder, redirects],
  );
  useEffect(() => {
    if (assigned && JSON.stringify(assigned) !== JSON.stringify(stored)) {
      localStorage.setItem(key, JSON.stringify(assigned));
      setStored(assigned);
    }
  }, [assigned, stored, key]);
  const assign = useCallback(
    (code: string, slot: number | null) => {
      const next = reassign(assigned ?? stored, code, slot);
      localStorage.setItem(key, JSON.stringify(next));
      setStored(next);
    },
    [assigned, stored, key],
  );
  return { slots: assigned?.slots ?? [], assign };
}
