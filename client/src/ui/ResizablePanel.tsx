import { type KeyboardEvent, type PointerEvent, type ReactNode, useCallback, useRef, useState } from 'react';
import { useT } from '../i18n/index.js';

export interface ResizablePanelProps {
  /** Remembers the width in localStorage under `accord.panel.<id>`. */
  id: string;
  label: string;
  children: ReactNode;
  /** Which side of the main content the panel sits on; the handle is on the other edge. */
  side?: 'left' | 'right';
  defaultWidth?: number;
  min?: number;
  max?: number;
  className?: string;
  /** The panel's element: `aside` (complementary landmark) or a plain `div` inside another landmark. */
  as?: 'aside' | 'div';
}

const STEP = 16;

function storedWidth(id: string, fallback: number, min: number, max: number): number {
  try {
    const value = Number(localStorage.getItem(`accord.panel.${id}`));
    return Number.isFinite(value) && value > 0 ? clamp(value, min, max) : fallback;
  } catch {
    return fallback;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/**
 * A side panel with a resize handle: drag it with a pointer, or focus it and use ←/→ (Shift for larger steps),
 * Home/End for the smallest/largest width. The handle is a focusable `separator` with its value, as WAI-ARIA's
 * window-splitter pattern asks; the width is remembered per panel.
 */
export function ResizablePanel({
  id,
  label,
  children,
  side = 'right',
  defaultWidth = 340,
  min = 220,
  max = 720,
  className,
  as: Element = 'aside',
}: ResizablePanelProps) {
  const [width, setWidthState] = useState(() => storedWidth(id, defaultWidth, min, max));
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);
  const t = useT();

  const setWidth = useCallback(
    (next: number) => {
      const value = clamp(next, min, max);
      setWidthState(value);
      try {
        localStorage.setItem(`accord.panel.${id}`, String(value));
      } catch {
        // Not remembered; still resized.
      }
    },
    [id, min, max],
  );

  // Dragging toward the main content widens the panel.
  const direction = side === 'right' ? -1 : 1;

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startX: event.clientX, startWidth: width };
    event.preventDefault();
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    setWidth(drag.current.startWidth + direction * (event.clientX - drag.current.startX));
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    drag.current = null;
    if (event.currentTarget.hasPointerCapture(event.pointerId))
      event.currentTarget.releasePointerCapture(event.pointerId);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? STEP * 4 : STEP;
    const grow = side === 'right' ? 'ArrowLeft' : 'ArrowRight';
    const shrink = side === 'right' ? 'ArrowRight' : 'ArrowLeft';
    if (event.key === grow) setWidth(width + step);
    else if (event.key === shrink) setWidth(width - step);
    else if (event.key === 'Home') setWidth(min);
    else if (event.key === 'End') setWidth(max);
    else return;
    event.preventDefault();
  };

  const handle = (
    // biome-ignore lint/a11y/useSemanticElements: <hr> cannot be focused or dragged; this is the ARIA window splitter.
    <div
      className="ui-resize-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label={t('ui.resize', { label })}
      aria-valuenow={width}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );

  return (
    <Element
      className={['ui-panel', `ui-panel-${side}`, className ?? ''].join(' ').trim()}
      aria-label={label}
      style={{ width, flexBasis: width }}
    >
      {side === 'right' && handle}
      <div className="ui-panel-body">{children}</div>
      {side === 'left' && handle}
    </Element>
  );
}
