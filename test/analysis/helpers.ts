import { addCode, addCodeToTheme, addCoding, addTheme, docName, setThemeStatus } from '@accord/shared';
import type { TestServer } from '../helpers/server.js';

/** Test set-up straight into the server's documents (what is under test is reading them back, not writing). */
export async function addCodesTree(
  test: TestServer,
  projectId: string,
  codes: { key: string; name: string; parent?: string }[],
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: projectId }), (doc) => {
    for (const code of codes) {
      ids[code.key] = addCode(doc, { name: code.name, parent: code.parent === undefined ? null : ids[code.parent]! });
    }
  });
  return ids;
}

/** Codes passages (found by their text) in one layer: `consensus` or a coder's id. */
export async function codePassages(
  test: TestServer,
  projectId: string,
  transcriptId: string,
  layer: string,
  codings: { code: string; text: string; nth?: number }[],
): Promise<void> {
  const textName = docName({ kind: 'text', project: projectId, transcript: transcriptId });
  const layerName =
    layer === 'consensus'
      ? docName({ kind: 'consensus', project: projectId, transcript: transcriptId })
      : docName({ kind: 'codings', project: projectId, transcript: transcriptId, coder: layer });
  await test.server.ctx.sync.withDoc(textName, (textDoc) =>
    test.server.ctx.sync.withDoc(layerName, (layerDoc) => {
      const text = textDoc.getText('text').toString();
      for (const coding of codings) {
        let start = -1;
        for (let i = 0; i <= (coding.nth ?? 0); i++) start = text.indexOf(coding.text, start + 1);
        if (start < 0) throw new Error(`no "${coding.text}" in the transcript`);
        addCoding(layerDoc, textDoc, { code: coding.code, start, end: start + coding.text.length });
      }
    }),
  );
}

/** A theme with codes, moved to `reviewed` so that it can be finalised. */
export async function reviewedTheme(
  test: TestServer,
  projectId: string,
  name: string,
  codes: string[],
): Promise<string> {
  return test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: projectId }), (doc) => {
    const id = addTheme(doc, { name, definition: `${name}: what it means` });
    // Distinct times keep the codes in the order given (a theme lists its codes by when they were added).
    codes.forEach((code, i) => {
      addCodeToTheme(doc, id, code, Date.now() + i);
    });
    setThemeStatus(doc, id, 'reviewed');
    return id;
  });
}
