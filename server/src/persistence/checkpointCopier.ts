import { Worker } from 'node:worker_threads';
import type { CopyError, CopyReply, CopyRequest, LogCopy, SegmentFormat } from './checkpointWorker.js';
import { CorruptFileError } from './fileLog.js';

/** How many bytes a checkpoint wrote into a log, or why it wrote none. */
type CopyOutcome = { written: number } | { error: Error };

const workerFile = new URL('./checkpointWorker.js', import.meta.url);

/**
 * Hands checkpoints' copying to a worker thread (checkpointWorker.js), started when first needed and again after it
 * dies. The worker keeps the process alive only while a copy is under way.
 */
export class CheckpointCopier {
  private worker: Worker | null = null;
  private readonly waiting = new Map<
    number,
    { resolve: (outcomes: CopyOutcome[]) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;

  constructor(private readonly format: SegmentFormat) {}

  /**
   * Copies every record `segmentPath` holds for `logs` into their files; each log has its outcome, in order. Rejects
   * when the segment is damaged or cannot be read: a log may then hold some of its records, unsynced, and the
   * segment, which the caller keeps, completes it on the next start.
   */
  copy(segmentPath: string, logs: LogCopy[]): Promise<CopyOutcome[]> {
    const worker = this.start();
    const id = this.nextId++;
    const request: CopyRequest = { id, segmentPath, logs };
    worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile, { workerData: this.format });
    worker.on('message', (reply: CopyReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if ('error' in reply) waiting?.reject(rebuild(reply.error));
      else waiting?.resolve(reply.outcomes.map((o) => ('error' in o ? { error: rebuild(o.error) } : o)));
    });
    const lost = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const { reject } of this.waiting.values()) reject(error);
      this.waiting.clear();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`checkpoint worker exited with code ${code}`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

function rebuild({ name, message, code }: CopyError): Error {
  const error = name === 'CorruptFileError' ? new CorruptFileError(message) : new Error(message);
  return code === undefined ? error : Object.assign(error, { code });
}
