import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { isCancelled, readBody } from '../../src/importExport/api.js';
import { type DownloadProgress, progressText } from '../../src/importExport/exportModel.js';

/** A response whose body arrives in the given chunks, with a Content-Length header when `length` is given. */
function streamed(chunks: Uint8Array[], length?: number): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const headers: Record<string, string> = { 'content-type': 'text/csv' };
  if (length !== undefined) headers['content-length'] = String(length);
  return new Response(body, { headers });
}

describe('export progress', () => {
  it('reports the bytes as they arrive, against Content-Length when the server sends it', async () => {
    const heard: DownloadProgress[] = [];
    const blob = await readBody(streamed([new Uint8Array(3000), new Uint8Array(2000)], 5000), (p) => heard.push(p));
    expect(heard).toEqual([
      { received: 0, total: 5000 },
      { received: 3000, total: 5000 },
      { received: 5000, total: 5000 },
    ]);
    expect(blob.size).toBe(5000);
    expect(blob.type).toBe('text/csv');
  });

  it('has no total without Content-Length: the bar stays indeterminate', async () => {
    const heard: DownloadProgress[] = [];
    await readBody(streamed([new Uint8Array(10)]), (p) => heard.push(p));
    expect(heard.at(-1)).toEqual({ received: 10, total: null });
  });

  it.each([
    [null, 'Preparing Whole project (REFI-QDA .qdpx)…'],
    [{ received: 0, total: null }, 'Downloading Whole project (REFI-QDA .qdpx)… 1 KiB'],
    [{ received: 300 * 1024, total: null }, 'Downloading Whole project (REFI-QDA .qdpx)… 300 KiB'],
    [{ received: 100 * 1024, total: 400 * 1024 }, 'Downloading Whole project (REFI-QDA .qdpx)… 100 KiB of 400 KiB'],
  ])('says what the export is doing: %j', (progress, text) => {
    expect(progressText('Whole project (REFI-QDA .qdpx)', progress)).toBe(text);
  });

  it('tells a cancelled export from a failed one', () => {
    expect(isCancelled(new ApiError(0, 'cancelled', 'the export was cancelled'))).toBe(true);
    expect(isCancelled(new ApiError(0, 'network', 'the server cannot be reached'))).toBe(false);
    expect(isCancelled(new Error('cancelled'))).toBe(false);
  });
});
