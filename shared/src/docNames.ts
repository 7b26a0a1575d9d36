import { isId } from './ids.js';

/**
 * One Yjs document per unit of access (docs/architecture.md, "Documents: one per unit of access"). A `DocRef` names
 * a document by what it is; `docName` and `parseDocName` convert between that and the wire name `p/<project>/...`
 * used in WebSocket URLs and storage.
 */
export type DocRef =
  | { kind: 'codebook'; project: string }
  | { kind: 'roundCodebook'; project: string; round: string }
  | { kind: 'text'; project: string; transcript: string }
  | { kind: 'codings'; project: string; transcript: string; coder: string }
  | { kind: 'consensus'; project: string; transcript: string }
  | { kind: 'memo'; project: string; memo: string };

export type DocKind = DocRef['kind'];

export const DOC_KINDS: readonly DocKind[] = ['codebook', 'roundCodebook', 'text', 'codings', 'consensus', 'memo'];

export function docName(ref: DocRef): string {
  const base = `p/${ref.project}`;
  switch (ref.kind) {
    case 'codebook':
      return `${base}/codebook`;
    case 'roundCodebook':
      return `${base}/r/${ref.round}/codebook`;
    case 'text':
      return `${base}/t/${ref.transcript}/text`;
    case 'codings':
      return `${base}/t/${ref.transcript}/c/${ref.coder}`;
    case 'consensus':
      return `${base}/t/${ref.transcript}/consensus`;
    case 'memo':
      return `${base}/memos/${ref.memo}`;
  }
}

/** Parses a wire name; anything that is not exactly a name `docName` could have built gives `null`. */
export function parseDocName(name: string): DocRef | null {
  if (name.length > 256) return null;
  const parts = name.split('/');
  if (parts[0] !== 'p' || !isId(parts[1])) return null;
  const project = parts[1];
  const rest = parts.slice(2);
  if (!rest.every(isId)) return null;
  const [a, b, c, d] = rest;
  switch (rest.length) {
    case 1:
      return a === 'codebook' ? { kind: 'codebook', project } : null;
    case 2:
      return a === 'memos' ? { kind: 'memo', project, memo: b! } : null;
    case 3:
      if (a === 'r' && c === 'codebook') return { kind: 'roundCodebook', project, round: b! };
      if (a === 't' && c === 'text') return { kind: 'text', project, transcript: b! };
      if (a === 't' && c === 'consensus') return { kind: 'consensus', project, transcript: b! };
      return null;
    case 4:
      return a === 't' && c === 'c' ? { kind: 'codings', project, transcript: b!, coder: d! } : null;
    default:
      return null;
  }
}
