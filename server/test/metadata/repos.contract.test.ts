import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedMetadata } from '../../src/metadata/embedded.js';
import { memoryMetadata } from '../../src/metadata/memory.js';
import { describeMetadataContract } from './contract/index.js';

describeMetadataContract({
  name: 'memory',
  async create() {
    return { open: async () => memoryMetadata(), dispose: async () => {} };
  },
});

describeMetadataContract({
  name: 'embedded (meta.json)',
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-meta-contract-'));
    let open: { close(): Promise<void> } | null = null;
    return {
      async open() {
        const metadata = await openEmbeddedMetadata(dir);
        open = metadata;
        return metadata;
      },
      async reopen(current) {
        await current.close();
        const metadata = await openEmbeddedMetadata(dir);
        open = metadata;
        return metadata;
      },
      async dispose() {
        await open?.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
