import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/log.js';
import { FileStorage } from '../../server/src/persistence/index.js';
import { createSyncEngine, type SyncEngine } from '../../server/src/sync/index.js';

const engines: SyncEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

async function engineIn(dataDir: string): Promise<SyncEngine> {
  const logger = createLogger('silent');
  const engine = await createSyncEngine({ storage: await FileStorage.open({ dataDir, logger }), logger });
  engines.push(engine);
  return engine;
}

describe('SyncEngine.listDocs', () => {
  it('lists the stored docs under a prefix, sorted, across restarts and after deletes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-list-'));
    const engine = await engineIn(dir);
    for (const name of ['p/a/t/t1/c/zed', 'p/a/t/t1/c/amy', 'p/a/t/t2/c/amy', 'p/b/t/t1/c/amy']) {
      await engine.withDoc(name, (doc) => doc.getText('x').insert(0, 'x'));
    }
    expect(await engine.listDocs('p/a/t/t1/c/')).toEqual(['p/a/t/t1/c/amy', 'p/a/t/t1/c/zed']);
    expect(await engine.listDocs('p/a/')).toHaveLength(3);
    expect(await engine.listDocs('p/none/')).toEqual([]);
    await engine.deletePrefix('p/a/t/t1/');
    expect(await engine.listDocs('p/a/')).toEqual(['p/a/t/t2/c/amy']);
    await engine.close();
    expect(await (await engineIn(dir)).listDocs('p/')).toEqual(['p/a/t/t2/c/amy', 'p/b/t/t1/c/amy']);
  });
});
