/** Larger buffers (after a burst) are let go rather than held while idle. */
const MAX_SPARE_BYTES = 64 * 1024;

/**
 * Bytes appended back to back into one growing buffer, taken whole when they are written out. The write-ahead log
 * keeps its next batch in one of these instead of one Buffer per record: tens of thousands of small buffers a
 * second surviving young-generation collections made a busy server's scavenges several times longer than the
 * reference server's (docs/sync.md).
 */
export class AppendBuffer {
  private bytes: Buffer | null = null;
  /** A written buffer handed back for reuse, so that a busy writer allocates nothing in the steady state. */
  private spare: Buffer | null = null;
  /** Bytes appended since the last `take`. */
  length = 0;

  constructor(private readonly initialBytes: number) {}

  /** Makes room for `count` more bytes and returns where they start in `buffer`. */
  claim(count: number): number {
    const at = this.length;
    const needed = at + count;
    if (this.bytes === null && this.spare !== null && this.spare.length >= needed) {
      this.bytes = this.spare;
      this.spare = null;
    }
    if (this.bytes === null || this.bytes.length < needed) {
      // Off the V8 heap: the collector never copies or scans it.
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, 2 * (this.bytes?.length ?? 0), this.initialBytes));
      this.bytes?.copy(grown, 0, 0, at);
      this.bytes = grown;
    }
    this.length = needed;
    return at;
  }

  /** The buffer the last `claim` made room in. */
  get buffer(): Buffer {
    if (this.bytes === null) throw new Error('nothing claimed');
    return this.bytes;
  }

  /** Hands back a buffer `take` returned, once nothing else reads it, for later appends to reuse. */
  recycle(taken: Buffer): void {
    const whole = Buffer.from(taken.buffer, taken.byteOffset, taken.buffer.byteLength - taken.byteOffset);
    if (whole.length <= MAX_SPARE_BYTES) this.spare = whole;
  }

  /** Everything appended since the last `take`; the next append starts in another buffer. */
  take(): Buffer {
    const taken = this.bytes === null ? Buffer.alloc(0) : this.bytes.subarray(0, this.length);
    this.bytes = null;
    this.length = 0;
    return taken;
  }
}
