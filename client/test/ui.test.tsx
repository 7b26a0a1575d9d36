// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResizablePanel } from '../src/ui/ResizablePanel.js';
import { applyTheme, setThemeChoice, themeChoice } from '../src/ui/theme.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement;
let root: Root;

beforeEach(() => {
  localStorage.clear();
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

const render = (side: 'left' | 'right' = 'right') =>
  act(() =>
    root.render(
      <ResizablePanel id="test" label="Codebook" side={side} defaultWidth={300} min={200} max={500}>
        <p>content</p>
      </ResizablePanel>,
    ),
  );
const handle = () => container.querySelector<HTMLElement>('[role="separator"]')!;
const panel = () => container.querySelector<HTMLElement>('aside')!;
const key = (key: string, shiftKey = false) =>
  act(() => {
    handle().dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, bubbles: true }));
  });

describe('ResizablePanel', () => {
  it('is a labelled, focusable window splitter that says its width', () => {
    render();
    expect(panel().getAttribute('aria-label')).toBe('Codebook');
    expect(handle().getAttribute('aria-label')).toBe('Resize Codebook');
    expect(handle().tabIndex).toBe(0);
    expect(handle().getAttribute('aria-orientation')).toBe('vertical');
    expect(handle().getAttribute('aria-valuenow')).toBe('300');
    expect(handle().getAttribute('aria-valuemin')).toBe('200');
    expect(handle().getAttribute('aria-valuemax')).toBe('500');
    expect(panel().style.width).toBe('300px');
  });

  it.each([
    ['right', 'ArrowLeft', false, 316],
    ['right', 'ArrowRight', false, 284],
    ['right', 'ArrowLeft', true, 364],
    ['left', 'ArrowRight', false, 316],
    ['left', 'ArrowLeft', false, 284],
    ['right', 'Home', false, 200],
    ['right', 'End', false, 500],
  ] as const)('a panel on the %s: %s (shift %s) sets %i px', (side, pressed, shift, expected) => {
    render(side);
    key(pressed, shift);
    expect(handle().getAttribute('aria-valuenow')).toBe(String(expected));
    expect(panel().style.width).toBe(`${expected}px`);
  });

  it('stays within its bounds and remembers its width', () => {
    render();
    for (let i = 0; i < 30; i++) key('ArrowLeft');
    expect(handle().getAttribute('aria-valuenow')).toBe('500');
    expect(localStorage.getItem('accord.panel.test')).toBe('500');
    act(() => root.unmount());
    root = createRoot(container);
    render();
    expect(handle().getAttribute('aria-valuenow')).toBe('500');
  });
});

describe('theme choice', () => {
  it('applies and remembers light or dark, and forgets it for the system theme', () => {
    expect(themeChoice()).toBe('system');
    setThemeChoice('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(themeChoice()).toBe('dark');
    document.documentElement.removeAttribute('data-theme');
    applyTheme();
    expect(document.documentElement.dataset.theme).toBe('dark');
    setThemeChoice('system');
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
    expect(localStorage.getItem('accord.theme')).toBeNull();
  });
});
