import { hashKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

/**
 * `value`, once it has stopped changing for `ms`: a query keyed on it does not go out per keystroke. Values are
 * compared by content (as query keys are), so a caller may pass a fresh but equal object on every render. The
 * first value is taken at once: a view does not wait before its first request.
 */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  const wanted = hashKey([value]);
  const current = hashKey([settled]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `wanted` stands for `value` (compared by content).
  useEffect(() => {
    if (wanted === current) return;
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [wanted, current, ms]);
  return settled;
}
