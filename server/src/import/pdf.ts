import { Worker } from 'node:worker_threads';
import { type CleanupReport, cleanupPages } from '@accord/shared/import/cleanup';
import { ImportError } from './errors.js';
import type { PdfReply, PdfRequest } from './pdfWorker.js';

/**
 * PDF transcripts (MAXQDA, NVivo and transcription-service exports): the text of each page is read by pdf.js on a
 * worker thread (pdfWorker.js), cleaned of running headers and footers, line or paragraph numbers and hard wraps
 * (`@accord/shared/import/cleanup`), and then read like a `.txt`. A PDF without text (a scan) is refused: it needs
 * OCR first. A PDF may not hold the server: its reading is bounded in pages, characters, memory and time, and the
 * thread is stopped when it passes a bound.
 */
export interface PdfLimits {
  maxPages: number;
  /** Characters of text, over all pages. */
  maxCharacters: number;
  /** How long reading one PDF may take before its thread is stopped. */
  timeoutMs: number;
  /** Heap of the reading thread. */
  maxMemoryMb: number;
}

export const PDF_LIMITS: PdfLimits = {
  maxPages: 2000,
  maxCharacters: 20_000_000,
  timeoutMs: 60_000,
  maxMemoryMb: 512,
};

export interface PdfText {
  text: string;
  report: CleanupReport;
}

export async function readPdf(file: string, bytes: Uint8Array, limits: PdfLimits = PDF_LIMITS): Promise<PdfText> {
  const pages = await readPdfLines(file, bytes, limits);
  const { text, report } = cleanupPages(pages, { paragraphs: 'blank' });
  if (text.trim() === '') {
    throw new ImportError(
      file,
      'no_text',
      pages.length === 0
        ? 'the PDF has no pages'
        : `the PDF has no text to import (${pages.length} page${pages.length === 1 ? '' : 's'} of images: a scan?); ` +
            'run text recognition (OCR) on it first, for example with ocrmypdf, and import the result',
    );
  }
  return { text, report };
}

/** The lines of each page as laid out, before any clean-up (an empty line is a vertical gap). */
export function readPdfLines(file: string, bytes: Uint8Array, limits: PdfLimits = PDF_LIMITS): Promise<string[][]> {
  return reader.read(file, bytes, limits);
}

const workerFile = new URL('./pdfWorker.js', import.meta.url);

/**
 * One thread for every PDF import, started when first needed; PDFs are read one after the other. A thread that
 * passes the time or memory bound is stopped (and the next PDF gets a new one).
 */
class PdfReader {
  private worker: Worker | null = null;
  private workerMemoryMb = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 0;

  read(file: string, bytes: Uint8Array, limits: PdfLimits): Promise<string[][]> {
    const run = this.queue.then(
      () => this.readNow(file, bytes, limits),
      () => this.readNow(file, bytes, limits),
    );
    this.queue = run.catch(() => {});
    return run;
  }

  private async readNow(file: string, bytes: Uint8Array, limits: PdfLimits): Promise<string[][]> {
    const worker = this.start(limits.maxMemoryMb);
    const id = this.nextId++;
    // A copy of exactly these bytes, handed over rather than cloned (the caller's buffer stays the caller's).
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    const request: PdfRequest = { id, bytes: copy, maxPages: limits.maxPages, maxCharacters: limits.maxCharacters };
    let cleanup = () => {};
    worker.ref();
    try {
      const reply = await new Promise<PdfReply>((resolve, reject) => {
        const onMessage = (message: PdfReply) => {
          if (message.id === id) resolve(message);
        };
        const onError = (error: Error) => reject(error);
        const onExit = (code: number) =>
          reject(new ImportError(file, 'too_large', `reading the PDF stopped (its reader exited with code ${code})`));
        const timer = setTimeout(() => {
          reject(
            new ImportError(
              file,
              'too_large',
              `reading the PDF took longer than ${Math.round(limits.timeoutMs / 1000)} s, so it was stopped ` +
                '(a PDF this slow to read is damaged or built to be)',
            ),
          );
          this.stop(worker);
        }, limits.timeoutMs);
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        cleanup = () => {
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        worker.postMessage(request, [copy.buffer as ArrayBuffer]);
      });
      if ('refused' in reply) throw new ImportError(file, reply.refused.code, reply.refused.problem);
      if ('error' in reply)
        throw new Error(`reading the PDF ${file} failed: ${reply.error.name}: ${reply.error.message}`);
      return reply.pages;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.stop(worker);
        throw new ImportError(
          file,
          'too_large',
          `reading the PDF needed more than ${limits.maxMemoryMb} MiB of memory`,
        );
      }
      throw error;
    } finally {
      cleanup();
      if (this.worker === worker) worker.unref();
    }
  }

  private start(maxMemoryMb: number): Worker {
    if (this.worker !== null && this.workerMemoryMb === maxMemoryMb) return this.worker;
    if (this.worker !== null) this.stop(this.worker);
    const worker = new Worker(workerFile, {
      resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb, maxYoungGenerationSizeMb: 32 },
    });
    worker.on('error', () => {
      if (this.worker === worker) this.worker = null;
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
    });
    worker.unref();
    this.worker = worker;
    this.workerMemoryMb = maxMemoryMb;
    return worker;
  }

  private stop(worker: Worker): void {
    if (this.worker === worker) this.worker = null;
    void worker.terminate();
  }
}

const reader = new PdfReader();
