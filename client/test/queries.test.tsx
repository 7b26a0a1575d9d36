// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../src/api/queries.js';
import { useDebounced } from '../src/api/useDebounced.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const startsWith = (key: readonly unknown[], prefix: readonly unknown[]) =>
  prefix.every((part, i) => JSON.stringify(key[i]) === JSON.stringify(part));

describe('query keys', () => {
  it('puts every answer about a project under the project, so one invalidation reaches all of them', () => {
    const p = 'p1';
    for (const key of [
      keys.projectData(p),
      keys.analysis(p),
      keys.analysisView(p, 'segments', { codes: ['c'] }),
      keys.rounds(p),
      keys.roundList(p),
      keys.round(p, 'r1'),
      keys.roundView(p, 'r1', 'spans', { unit: 'character', minCoverage: 0 }),
      keys.agreementHistory(p, 'character'),
      keys.projectInvitations(p),
      keys.candidates(p),
    ]) {
      expect(startsWith(key, keys.project(p))).toBe(true);
      expect(startsWith(key, keys.project('p2'))).toBe(false);
    }
    // A round's own answers are under the round; the round list is not, so a round's change reaches only it.
    expect(startsWith(keys.roundView(p, 'r1', 'disagreements'), keys.round(p, 'r1'))).toBe(true);
    expect(startsWith(keys.roundList(p), keys.round(p, 'r1'))).toBe(false);
    // Analysis views are told apart by their parameters.
    expect(keys.analysisView(p, 'report', { kind: 'all' })).not.toEqual(
      keys.analysisView(p, 'report', { kind: 'consensus' }),
    );
  });

  it('keeps administration and one-time links out of every project', () => {
    for (const key of [keys.accounts(), keys.invitations(), keys.serverSettings(), keys.link('t')]) {
      expect(startsWith(key, keys.project('p1'))).toBe(false);
      expect(startsWith(key, keys.all)).toBe(true);
    }
  });
});

/** What `useDebounced` answered on each render. */
const seen: unknown[] = [];

function Probe({ value }: { value: unknown }) {
  seen.push(useDebounced(value, 200));
  return null;
}

describe('useDebounced', () => {
  let container: HTMLElement;
  let root: Root;

  beforeEach(() => {
    vi.useFakeTimers();
    seen.length = 0;
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
  });

  afterEach(() => {
    act(() => root.unmount());
    container.remove();
    vi.useRealTimers();
  });

  const render = (value: unknown) => act(() => root.render(<Probe value={value} />));

  it('takes the first value at once and a changed one only once it has settled', () => {
    const first = { codes: ['a'] };
    render(first);
    expect(seen.at(-1)).toBe(first);
    render({ codes: ['a', 'b'] });
    render({ codes: ['a', 'b', 'c'] });
    expect(seen.at(-1)).toBe(first);
    act(() => vi.advanceTimersByTime(199));
    expect(seen.at(-1)).toBe(first);
    act(() => vi.advanceTimersByTime(1));
    expect(seen.at(-1)).toEqual({ codes: ['a', 'b', 'c'] });
  });

  it('treats a fresh but equal value as no change: no timer, no new render', () => {
    const first = { scope: { kind: 'all' }, codes: [] };
    render(first);
    render({ scope: { kind: 'all' }, codes: [] });
    expect(vi.getTimerCount()).toBe(0);
    expect(seen.at(-1)).toBe(first);
  });
});
