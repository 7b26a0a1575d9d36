import { pipeline } from 'node:stream/promises';
import type { MediaResponse } from '@accord/shared';
import { type Request, type Response, Router } from 'express';
import type { AppContext } from '../../context.js';
import { badRequest } from '../../errors.js';
import { attachMedia, mediaStore, removeMedia } from '../../media/media.js';
import { decideRange, unsatisfiableRange } from '../../media/range.js';
import { servedRecording } from '../../media/serving.js';
import { authoriseProject } from '../projectAuth.js';

/**
 * A transcript's recording (docs/media.md):
 *
 * - `POST /projects/:project/transcripts/:transcript/media?name=FILE`, the file as the raw body with its media type
 *   as `Content-Type`: streamed to disk, checked from its bytes, then attached (replacing any earlier one). Owners.
 * - `GET` (and `HEAD`) on the same path: the recording, with range requests (206, `Content-Range`, 416). Whoever
 *   may open the transcript.
 * - `DELETE` on the same path: removes it. Owners.
 *
 * Routes parse, authorise, call a domain function (server/src/media/) and serialise; for the recording that is its
 * HTTP headers: ETag and 304, ranges (206, 416), the download name.
 */
const PATH = '/projects/:project/transcripts/:transcript/media';

export function mediaRoutes(ctx: AppContext): Router {
  const router = Router();
  // Uploads a crash interrupted are deleted before the first request (they were never visible).
  void mediaStore(ctx).catch((error) => ctx.logger.error('media.staging_sweep_failed', { error }));

  router.post(PATH, async (req, res) => {
    // Whatever goes wrong, the rest of a refused body is not worth reading: the connection closes after the answer.
    try {
      const { user, project } = await authoriseProject(ctx, req, 'editTranscripts');
      const name = typeof req.query.name === 'string' ? req.query.name.trim() : '';
      if (name === '' || name.length > 255 || [...name].some((c) => c < ' ' || c === '/' || c === '\\')) {
        throw badRequest('invalid_input', 'the query needs ?name=FILE (the file name, without folders)');
      }
      const declared = req.headers['content-length'];
      const media = await attachMedia(ctx, user.id, project.id, String(req.params.transcript), {
        name,
        contentType: req.headers['content-type'],
        declaredBytes: declared === undefined || !/^\d+$/.test(declared) ? null : Number(declared),
        body: req,
      });
      res.status(201).json({ media } satisfies MediaResponse);
    } catch (error) {
      if (!req.readableEnded) res.setHeader('Connection', 'close');
      throw error;
    }
  });

  router.get(PATH, async (req, res) => {
    const { user, project } = await authoriseProject(ctx, req, 'view');
    const recording = await servedRecording(ctx, user.id, project.id, String(req.params.transcript));
    const { media, size } = recording;
    const etag = `"${media.sha256}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Content-Disposition', contentDisposition(media.name));
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    if (matches(req.headers['if-none-match'], etag)) {
      res.status(304).end();
      return;
    }
    const range = decideRange(req.headers.range, size, { header: header(req, 'if-range'), etag });
    if (range.kind === 'unsatisfiable') throw unsatisfiableRange(size);
    res.setHeader('Content-Type', media.type);
    if (range.kind === 'partial') {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.setHeader('Content-Length', String(size));
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await send(ctx, res, recording.read(range.kind === 'partial' ? range : undefined));
  });

  router.delete(PATH, async (req, res) => {
    const { user, project } = await authoriseProject(ctx, req, 'editTranscripts');
    await removeMedia(ctx, user.id, project.id, String(req.params.transcript));
    res.status(204).end();
  });

  return router;
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

/** `inline`, with the name as sent: plain ASCII for old clients, the exact name in RFC 8187 form. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Streams the bytes out; a listener who goes away (a player seeking elsewhere) just ends the read. */
async function send(ctx: AppContext, res: Response, body: NodeJS.ReadableStream): Promise<void> {
  try {
    await pipeline(body, res);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    if (!res.headersSent) throw error;
    ctx.logger.error('media.read_failed', { error });
    res.destroy();
  }
}
