import { randomBytes } from 'node:crypto';
import { close as fsClose, fdatasync as fsFdatasync, open as fsOpen, fstat, write as fsWrite } from 'node:fs';
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

/*
 * Plain descriptors and callbacks for the hot path (no FileHandle promises): a durable batch is one thread-pool
 * request and one callback on the event loop.
 */
export function openFd(path: string, flags: number): Promise<number> {
  return new Promise((resolve, reject) => fsOpen(path, flags, 0o644, (e, fd) => (e ? reject(e) : resolve(fd))));
}

export function fdSize(fd: number): Promise<number> {
  return new Promise((resolve, reject) => fstat(fd, (e, st) => (e ? reject(e) : resolve(st.size))));
}

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsFdatasync(fd, (e) => (e ? reject(e) : resolve())));
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsClose(fd, (e) => (e ? reject(e) : resolve())));
}

/** Writes all of `data` at `position` (null: at the end of an O_APPEND file). */
export async function writeAll(fd: number, data: Uint8Array, position: number | null = null): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const at = position === null ? null : position + offset;
    offset += await new Promise<number>((resolve, reject) =>
      fsWrite(fd, data, offset, data.length - offset, at, (e, written) => (e ? reject(e) : resolve(written))),
    );
  }
}
