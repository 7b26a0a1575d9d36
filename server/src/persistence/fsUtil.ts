import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Makes creations, renames and deletions inside `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeTemp(dir: string, name: string, data: Uint8Array): Promise<string> {
  const temp = join(dir, `${name}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Temp file, fsync, rename, directory fsync: a reader sees the old file or the whole new one, never a part. */
export async function writeFileAtomic(dir: string, name: string, data: Uint8Array): Promise<void> {
  const temp = await writeTemp(dir, name, data);
  await rename(temp, join(dir, name));
  await syncDir(dir);
}

/** Like `writeFileAtomic`, but fails with EEXIST instead of replacing an existing file (link does not overwrite). */
export async function writeFileOnce(dir: string, name: string, data: Uint8Array): Promise<void> {
  const temp = await writeTemp(dir, name, data);
  try {
    await link(temp, join(dir, name));
  } finally {
    await unlink(temp);
  }
  await syncDir(dir);
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
