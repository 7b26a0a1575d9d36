import { type DependencyList, useEffect, useState } from 'react';
import { errorText } from '../api/errors.js';

/** Typing in a filter field should not send a request per key: a query goes out this long after its last change. */
const DEBOUNCE_MS = 200;

/**
 * The answer to `request`, asked again whenever `deps` change (debounced); an answer that arrives after the inputs
 * changed again is dropped, so the view never shows results for filters it no longer has.
 */
export function useDebouncedQuery<T>(request: () => Promise<T>, deps: DependencyList) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      request()
        .then((body) => {
          if (!current) return;
          setData(body);
          setError(null);
        })
        .catch((caught) => {
          if (current) setError(errorText(caught));
        });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what `request` depends on.
  }, deps);
  return { data, error, setError };
}
