import {
  type Code,
  type Coding,
  codeRedirects,
  codesMap,
  codingsMap,
  type ResolvedTurn,
  readCodes,
  readCodings,
  readRedirects,
  readTurns,
  resolveCode,
  transcriptText,
  transcriptTurns,
} from '@accord/shared';
import type * as Y from 'yjs';
import { useObserved } from './hooks.js';

export interface CodebookView {
  codes: Code[];
  byId: Map<string, Code>;
  redirects: Map<string, string>;
}

export function useCodebook(doc: Y.Doc | null): CodebookView {
  return useObserved([doc ? codesMap(doc) : null, doc ? codeRedirects(doc) : null], () => {
    const codes = doc ? readCodes(doc) : [];
    return {
      codes,
      byId: new Map(codes.map((code) => [code.id, code])),
      redirects: doc ? readRedirects(doc) : new Map(),
    };
  }, [doc]);
}

export interface TranscriptView {
  text: string;
  turns: ResolvedTurn[];
}

/** The transcript text and its turns; turns move with the text, so both are recomputed on either change. */
export function useTranscript(doc: Y.Doc | null): TranscriptView {
  return useObserved(
    [doc ? transcriptText(doc) : null, doc ? transcriptTurns(doc) : null],
    () => ({ text: doc ? transcriptText(doc).toString() : '', turns: doc ? readTurns(doc) : [] }),
    [doc],
  );
}

/** One layer's codings with offsets in the current text (re-resolved when the text changes). */
export function useLayerCodings(layer: Y.Doc | null, textDoc: Y.Doc | null): Coding[] {
  return useObserved(
    [layer ? codingsMap(layer) : null, textDoc ? transcriptText(textDoc) : null],
    () => (layer && textDoc ? readCodings(layer, textDoc) : []),
    [layer, textDoc],
  );
}

export interface LayerCoding extends Coding {
  /** The coder whose layer holds it. */
  coder: string;
  /** The code after merges; codings of deleted codes are left out. */
  resolvedCode: string;
}

/**
 * The codings of several layers, with offsets in the current text and codes resolved through merges; recomputed
 * when any layer, the text or the redirects change. Sorted by start, then end.
 */
export function useLayers(
  layers: readonly { coder: string; doc: Y.Doc }[],
  textDoc: Y.Doc | null,
  redirects: ReadonlyMap<string, string>,
): LayerCoding[] {
  return useObserved(
    [...layers.map((layer) => codingsMap(layer.doc)), textDoc ? transcriptText(textDoc) : null],
    () => {
      if (!textDoc) return [];
      const all: LayerCoding[] = [];
      for (const { coder, doc } of layers) {
        for (const coding of readCodings(doc, textDoc)) {
          const resolvedCode = resolveCode(redirects, coding.code);
          if (resolvedCode !== null) all.push({ ...coding, coder, resolvedCode });
        }
      }
      return all.sort((a, b) => a.start - b.start || a.end - b.end || a.id.localeCompare(b.id));
    },
    // `layers` must be memoised by the caller: a new array re-subscribes.
    [layers, textDoc, redirects],
  );
}
