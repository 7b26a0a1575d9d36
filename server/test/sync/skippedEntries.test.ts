import {
  codesMap,
  codingsMap,
  readCodes,
  readCodings,
  readTurns,
  reportSkippedEntries,
  transcriptText,
  transcriptTurns,
} from '@accord/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Logger } from '../../src/log.js';
import { logSkippedEntries, nameDoc } from '../../src/sync/skippedEntries.js';

function recordingLogger() {
  const warnings: { event: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (event, fields) => warnings.push({ event, fields }),
    error: () => {},
    child: () => logger,
  };
  return { logger, warnings };
}

afterEach(() => reportSkippedEntries(null));

describe('skipped entries', () => {
  it('are logged once each, with the document name and the entry id', () => {
    const { logger, warnings } = recordingLogger();
    logSkippedEntries(logger);
    const text = new Y.Doc();
    transcriptText(text).insert(0, 'hello');
    const layer = nameDoc(new Y.Doc(), 'p/proj/t/tr/c/coder');
    codingsMap(layer).set('bad', { code: 'c1', start: 'junk', end: 42 } as never);
    expect(readCodings(layer, text)).toEqual([]);
    expect(readCodings(layer, text)).toEqual([]);
    expect(warnings).toEqual([
      { event: 'model.entry_skipped', fields: { docName: 'p/proj/t/tr/c/coder', root: 'codings', entry: 'bad' } },
    ]);
  });

  it('in the codebook and the turns too', () => {
    const { logger, warnings } = recordingLogger();
    logSkippedEntries(logger);
    const codebook = nameDoc(new Y.Doc(), 'p/proj/codebook');
    codesMap(codebook).set('x', 'junk' as never);
    expect(readCodes(codebook)).toEqual([]);
    const text = nameDoc(new Y.Doc(), 'p/proj/t/tr/text');
    transcriptTurns(text).push([{ speaker: 'A' } as never]);
    expect(readTurns(text)).toEqual([]);
    expect(warnings.map((w) => w.fields)).toEqual([
      { docName: 'p/proj/codebook', root: 'codes', entry: 'x' },
      { docName: 'p/proj/t/tr/text', root: 'turns', entry: '0' },
    ]);
  });
});
