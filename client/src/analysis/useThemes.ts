import { codeRedirects, readThemes, type Theme, themesMap } from '@accord/shared';
import type * as Y from 'yjs';
import { useObserved } from '../sync/hooks.js';

/** The themes of the codebook document, live: recomputed on any change to a theme or to the code redirects. */
export function useThemes(codebook: Y.Doc | null): Theme[] {
  return useObserved(
    [codebook ? themesMap(codebook) : null, codebook ? codeRedirects(codebook) : null],
    () => (codebook ? readThemes(codebook) : []),
    [codebook],
  );
}
