import { resolveCode } from '@accord/shared';
import { useCallback, useEffect, useMemo, useState } from 'react';

/** The digit keys 1-9: slot i is the key i + 1. */
export const SHORTCUT_SLOTS = 9;

/** Slot i holds the code on key i + 1; '' is a key the user emptied, null one never assigned. */
export type ShortcutSlots = readonly (string | null)[];

/**
 * The stable digit assignment: the stored slots, codes resolved through merges (a deleted code frees its slot, a
 * code merged into one that already has a key frees the second), and free slots filled with the first codes of the
 * codebook that have no key yet. Nothing ever moves by use: a code keeps its key until the user changes it.
 */
export function assignShortcuts(
  stored: ShortcutSlots,
  codebookOrder: readonly string[],
  redirects: ReadonlyMap<string, string> = new Map(),
): (string | null)[] {
  const known = new Set(codebookOrder);
  const slots: (string | null)[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < SHORTCUT_SLOTS; i++) {
    const raw = stored[i] ?? null;
    // '' is a slot the user emptied on purpose: it stays empty.
    const code = raw === null || raw === '' ? raw : resolveCode(redirects, raw);
    if (code === '') slots.push('');
    else if (code !== null && known.has(code) && !taken.has(code)) {
      slots.push(code);
      taken.add(code);
    } else slots.push(null);
  }
  const remaining = codebookOrder.filter((id) => !taken.has(id));
  for (let i = 0; i < SHORTCUT_SLOTS && remaining.length > 0; i++) {
    if (slots[i] === null) slots[i] = remaining.shift()!;
  }
  return slots;
}

/** Puts `code` on slot `slot` (null: takes its key away), moving it off any other slot. */
export function reassign(slots: ShortcutSlots, code: string, slot: number | null): (string | null)[] {
  const next: (string | null)[] = Array.from({ length: SHORTCUT_SLOTS }, (_, i) =>
    slots[i] === code ? '' : (slots[i] ?? null),
  );
  if (slot !== null) next[slot] = code;
  return next;
}

function storageKey(user: string, project: string): string {
  return `accord.shortcuts.${user}.${project}`;
}

function load(key: string): ShortcutSlots {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? parsed.map((v) => (typeof v === 'string' ? v : null)) : [];
  } catch {
    return [];
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
  const [stored, setStored] = useState<ShortcutSlots>(() => load(key));
  useEffect(() => setStored(load(key)), [key]);
  // Before the codebook has loaded there is nothing to assign, and nothing must be written.
  const slots = useMemo(
    () => (codebookOrder.length === 0 ? [] : assignShortcuts(stored, codebookOrder, redirects)),
    [stored, codebookOrder, redirects],
  );
  useEffect(() => {
    if (slots.length === 0) return;
    if (JSON.stringify(slots) !== JSON.stringify(stored)) {
      localStorage.setItem(key, JSON.stringify(slots));
      setStored(slots);
    }
  }, [slots, stored, key]);
  const assign = useCallback(
    (code: string, slot: number | null) => {
      const next = reassign(slots, code, slot);
      localStorage.setItem(key, JSON.stringify(next));
      setStored(next);
    },
    [slots, key],
  );
  return { slots, assign };
}
