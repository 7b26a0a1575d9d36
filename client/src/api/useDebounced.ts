import { useEffect, useState } from 'react';

/**
 * `value`, once it has stopped changing for `ms`: a query keyed on it does not go out per keystroke. The first
 * value is taken at once, so a view does not wait before its first request.
 */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (Object.is(value, settled)) return;
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, settled, ms]);
  return settled;
}
