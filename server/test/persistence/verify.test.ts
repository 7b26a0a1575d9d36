import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { encodeRecord, fileHeader, LOG_MAGIC, scanLog } from '../../src/persistence/fileLog.js';
import { DataDamagedError, FileStorage } from '../../src/persistence/index.js';
import { readJournal } from '../../src/persistence/walRecovery.js';
import { encodeWalEntry, WAL_MAGIC } from '../../src/persistence/writeAheadLog.js';

const dirs: string[] = [];
const temp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-verify-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A log of `count` records, and where each starts. */
function log(count: number): { bytes: Buffer; starts: number[] } {
  const parts = [fileHeader(LOG_MAGIC)];
  const starts: number[] = [];
  let at = parts[0]!.length;
  for (let i = 0; i < count; i++) {
    const record = encodeRecord(Buffer.from(`update number ${i} `.repeat(3)));
    starts.push(at);
    parts.push(record);
    at += record.length;
  }
  return { bytes: Buffer.concat(parts), starts };
}

const flip = (bytes: Buffer, at: number) => {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};

describe('scanLog: a torn tail is a crash, anything else is damage', () => {
  const { bytes, starts } = log(6);
  const last = starts.at(-1)!;
  it.each([
    { name: 'intact', bytes, end: { kind: 'clean' } },
    { name: 'last record cut short', bytes: bytes.subarray(0, bytes.length - 5), end: { kind: 'torn', at: last } },
    { name: 'a header cut short', bytes: bytes.subarray(0, last + 3), end: { kind: 'torn', at: last } },
    {
      name: 'a payload byte flipped in the middle',
      bytes: flip(bytes, starts[2]! + 12),
      end: { kind: 'damaged', at: starts[2], followedBy: starts[3] },
    },
    {
      name: 'a length flipped in the middle (the record seems to run past the end)',
      bytes: flip(Buffer.from(bytes), starts[2]! + 3),
      end: { kind: 'damaged', at: starts[2], followedBy: starts[3] },
    },
    {
      name: 'the last record complete but its CRC wrong',
      bytes: flip(bytes, last + 12),
      end: { kind: 'damaged', at: last, followedBy: null },
    },
    {
      name: 'zeros after the records (a hole a power cut left)',
      bytes: Buffer.concat([bytes, Buffer.alloc(64)]),
      end: { kind: 'clean' },
    },
  ])('$name', ({ bytes: input, end }) => {
    expect(scanLog(input).end).toEqual(end);
  });
});

/** Writes segments of `entries` records each into `<dataDir>/wal`, and answers each record's offset. */
function segments(dataDir: string, counts: number[]): number[][] {
  const walDir = path.join(dataDir, 'wal');
  fs.mkdirSync(walDir, { recursive: true });
  return counts.map((count, seq) => {
    const parts = [fileHeader(WAL_MAGIC)];
    const starts: number[] = [];
    let at = parts[0]!.length;
    for (let i = 0; i < count; i++) {
      const entry = encodeWalEntry('p/a/codebook', 0, 8 + i * 100, Buffer.from(`${seq}-${i}`.padEnd(92, '.')));
      starts.push(at);
      parts.push(entry);
      at += entry.length;
    }
    fs.writeFileSync(path.join(walDir, `${seq}.wal`), Buffer.concat(parts));
    return starts;
  });
}

function damage(dataDir: string, seq: number, edit: (bytes: Buffer) => Buffer) {
  const file = path.join(dataDir, 'wal', `${seq}.wal`);
  fs.writeFileSync(file, edit(fs.readFileSync(file)));
}

describe('readJournal: what start refuses in the write-ahead log', () => {
  it('ignores a torn tail, or a bad last record, of the newest segment: the unfinished last group commit', async () => {
    for (const edit of [(b: Buffer) => b.subarray(0, b.length - 7), (b: Buffer) => flip(b, b.length - 3)]) {
      const dataDir = temp();
      segments(dataDir, [5, 5]);
      damage(dataDir, 1, edit);
      const journal = await readJournal(path.join(dataDir, 'wal'));
      expect(journal.damages).toEqual([]);
      expect(journal.entries).toBe(9);
      expect(journal.tornTails).toHaveLength(1);
    }
  });

  it('refuses the same in an older segment, which was complete before the next one started', async () => {
    const dataDir = temp();
    segments(dataDir, [5, 5]);
    damage(dataDir, 0, (b) => flip(b, b.length - 3));
    expect((await readJournal(path.join(dataDir, 'wal'))).damages).toEqual([
      { file: 'wal/0.wal', problem: expect.stringMatching(/damaged, in a segment already complete/) },
    ]);
  });

  it('refuses damage followed by valid records, and start leaves every segment in place', async () => {
    const dataDir = temp();
    const [starts] = segments(dataDir, [200]);
    damage(dataDir, 0, (b) => flip(b, starts![100]! + 30));
    const before = fs.readFileSync(path.join(dataDir, 'wal', '0.wal'));
    expect((await readJournal(path.join(dataDir, 'wal'))).damages).toEqual([
      {
        file: 'wal/0.wal',
        problem: `record at byte ${starts![100]} damaged, followed by valid records (from byte ${starts![101]})`,
      },
    ]);
    await expect(FileStorage.open({ dataDir, logger: silentLogger })).rejects.toThrow(DataDamagedError);
    expect(fs.readdirSync(path.join(dataDir, 'wal'))).toEqual(['0.wal']);
    expect(fs.readFileSync(path.join(dataDir, 'wal', '0.wal'))).toEqual(before);
  });
});
