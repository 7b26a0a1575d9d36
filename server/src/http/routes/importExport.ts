import { randomBytes } from 'node:crypto';
import type { ImportResponse, ProjectAction, UploadResponse } from '@accord/shared';
import express, { type Request, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AccordError } from '../../errors.js';
import { MATRIX_UNITS, type MatrixUnit } from '../../export/matrix.js';
import { EXPORT_FORMATS, type ExportFormat, render, segmentFilter } from '../../export/render.js';
import { ImportError } from '../../import/errors.js';
import { type ImportFile, type ImportKind, readImport } from '../../import/index.js';
import { DEFAULT_LIMITS, formatBytes } from '../../import/limits.js';
import { applySpeakerChoices } from '../../import/speakers.js';
import { readPastedTranscript } from '../../import/transcripts.js';
import { summariseBundle } from '../../interchange/bundle.js';
import { attachImportedRecordings, recordingsForExport } from '../../media/interchange.js';
import { matchAccount, readBundle, writeBundle } from '../../projects/bundleIo.js';
import { PRINTABLE_CSP } from '../../render/html.js';
import { authoriseProject } from '../projectAuth.js';
import { parse } from '../validate.js';

/**
 * Import and export over REST, in three steps for imports so the lead can check before anything is written:
 *
 * - `POST /projects/:project/import/files?name=FILE[&kind=KIND]`, the file as the raw body
 *   (`application/octet-stream`): reads it (a bad file is refused here, naming it) and answers a preview: detected
 *   speakers per transcript, codes, coders with the account each would become. The file is held for an hour.
 * - `POST /projects/:project/import` `{uploads, pasted?, speakers?, users?}`: reads the held files again with the
 *   speaker corrections and account choices, and writes everything in one go (all or nothing).
 * - `GET /projects/:project/export?format=...`: a file download; owners only, since it holds every coder's layer.
 */
const UPLOAD_TTL_MS = 60 * 60 * 1000;
const MAX_HELD_BYTES = 1024 * 1024 * 1024;
const KINDS = ['transcript', 'project', 'codebook', 'codebookList', 'attributes'] as const;

interface HeldUpload {
  userId: string;
  projectId: string;
  file: ImportFile;
  expiresAt: number;
}

const speakerChoices = z.record(z.string().max(200), z.string().max(200).nullable());
const importRequest = z.strictObject({
  uploads: z
    .array(z.string().regex(/^[a-z0-9]{24}$/))
    .max(1000)
    .default([]),
  pasted: z
    .array(z.strictObject({ title: z.string().trim().min(1).max(200), text: z.string().min(1) }))
    .max(100)
    .default([]),
  speakers: z.record(z.string().max(500), speakerChoices).optional(),
  users: z
    .record(z.string().max(100), z.union([z.literal('create'), z.strictObject({ account: z.string().max(64) })]))
    .optional(),
});
const exportQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS),
  code: z.string().max(200).optional(),
  coder: z.string().max(200).optional(),
  transcript: z.string().max(200).optional(),
  unit: z.enum(MATRIX_UNITS as [MatrixUnit, ...MatrixUnit[]]).default('turn'),
  recal: z.enum(['true', 'false']).optional(),
  /** CSV formats: `false` writes cells exactly, without neutralising formula-like text (for R and pandas). */
  formulaSafe: z.enum(['true', 'false']).default('true'),
});

const CONTENT_TYPES: Record<ExportFormat, [string, string]> = {
  qdpx: ['application/zip', 'qdpx'],
  qdc: ['application/xml; charset=utf-8', 'qdc'],
  csv: ['text/csv; charset=utf-8', 'csv'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
  'codebook-csv': ['text/csv; charset=utf-8', 'csv'],
  'codebook-md': ['text/markdown; charset=utf-8', 'md'],
  'codebook-html': ['text/html; charset=utf-8', 'html'],
  matrix: ['text/csv; charset=utf-8', 'csv'],
};

export function importExportRoutes(ctx: AppContext): Router {
  const router = Router();
  const held = new Map<string, HeldUpload>();

  const authorise = (req: Request, action: ProjectAction) => authoriseProject(ctx, req, action);

  const forget = () => {
    const now = Date.now();
    for (const [id, upload] of held) if (upload.expiresAt < now) held.delete(id);
  };

  router.post(
    '/projects/:project/import/files',
    express.raw({ type: 'application/octet-stream', limit: DEFAULT_LIMITS.maxFileBytes }),
    async (req, res) => {
      const { user, project } = await authorise(req, 'editTranscripts');
      const name = typeof req.query.name === 'string' ? req.query.name.trim() : '';
      if (name === '' || name.length > 255) throw new AccordError(400, 'invalid_input', 'the query needs ?name=FILE');
      const kind = req.query.kind === undefined ? undefined : String(req.query.kind);
      if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) {
        throw new AccordError(400, 'invalid_input', `kind must be one of ${KINDS.join(', ')}`);
      }
      if (!Buffer.isBuffer(req.body))
        throw new AccordError(415, 'unsupported_format', 'send the file as application/octet-stream');
      const file: ImportFile = { name, bytes: new Uint8Array(req.body) };
      if (kind !== undefined) file.kind = kind as ImportKind;
      const { bundle, drafts, warnings } = await asAccordError(readImport([file], { limits: DEFAULT_LIMITS }));
      forget();
      const heldBytes = [...held.values()].reduce((sum, upload) => sum + upload.file.bytes.byteLength, 0);
      if (heldBytes + file.bytes.byteLength > MAX_HELD_BYTES) {
        throw new AccordError(
          503,
          'busy',
          `too many uploads waiting (${formatBytes(heldBytes)}); confirm or retry later`,
        );
      }
      const id = randomBytes(12).toString('hex');
      held.set(id, { userId: user.id, projectId: project.id, file, expiresAt: Date.now() + UPLOAD_TTL_MS });
      const accounts = await ctx.metadata.users.list();
      res.status(201).json({
        upload: {
          id,
          name,
          summary: summariseBundle(bundle),
          warnings,
          transcripts: drafts.map((draft) => ({
            title: draft.title,
            characters: draft.text.length,
            turns: draft.turns.length,
            speakers: draft.speakers,
            excerpt: draft.text.slice(0, 500),
          })),
          codes: bundle.codes.map(({ guid, name: codeName, parentGuid }) => ({ guid, name: codeName, parentGuid })),
          coders: bundle.users.map((coder) => {
            const account = matchAccount(accounts, coder);
            return { guid: coder.guid, name: coder.name, suggestedAccount: account ?? null };
          }),
        },
      } satisfies UploadResponse);
    },
  );

  router.post('/projects/:project/import', async (req, res) => {
    const { user, project } = await authorise(req, 'editTranscripts');
    const body = parse(importRequest, req.body);
    forget();
    const files: ImportFile[] = body.uploads.map((id) => {
      const upload = held.get(id);
      if (upload === undefined || upload.userId !== user.id || upload.projectId !== project.id) {
        throw new AccordError(404, 'not_found', `upload ${id} is unknown or expired; upload the file again`);
      }
      return upload.file;
    });
    if (files.length === 0 && body.pasted.length === 0)
      throw new AccordError(400, 'invalid_input', 'nothing to import');
    const options =
      body.speakers === undefined ? { limits: DEFAULT_LIMITS } : { limits: DEFAULT_LIMITS, speakers: body.speakers };
    const { bundle, recordings, warnings } = await asAccordError(readImport(files, options));
    for (const paste of body.pasted) {
      const draft = await asAccordError(Promise.resolve().then(() => readPastedTranscript(paste.title, paste.text)));
      const choices = body.speakers?.[paste.title];
      bundle.transcripts.push({
        guid: crypto.randomUUID(),
        title: draft.title,
        participant: '',
        attributes: {},
        text: draft.text,
        turns: choices === undefined ? draft.turns : applySpeakerChoices(draft.turns, choices),
        layers: [],
      });
    }
    const result = await writeBundle(
      ctx,
      bundle,
      body.users === undefined
        ? { actorId: user.id, project: { id: project.id } }
        : { actorId: user.id, project: { id: project.id }, users: body.users },
    );
    await attachImportedRecordings(ctx, user.id, result, recordings, warnings);
    for (const id of body.uploads) held.delete(id);
    res.status(201).json({ ...result, warnings } satisfies ImportResponse);
  });

  router.get('/projects/:project/export', async (req, res) => {
    const { user, project } = await authorise(req, 'manage');
    const query = parse(exportQuery, req.query, 'query');
    if (query.format === 'matrix' && query.code === undefined)
      throw new AccordError(400, 'invalid_input', 'format matrix needs ?code=');
    const bundle = await readBundle(ctx, project.id, user.id);
    const filter = segmentFilter(bundle, query);
    const content = await render(bundle, query.format, filter, {
      unit: query.unit,
      recal: query.recal === 'true',
      code: query.code,
      formulaSafe: query.formulaSafe === 'true',
      recordings: query.format === 'qdpx' ? await recordingsForExport(ctx, project.id, bundle) : [],
      lang: project.settings.language,
    });
    await ctx.metadata.audit.record({
      actor: user.id,
      action: 'project.export',
      project: project.id,
      details: { format: query.format },
    });
    const [type, extension] = CONTENT_TYPES[query.format];
    const fileName = `${project.name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'project'}.${extension}`;
    res.setHeader('Content-Type', type);
    // The codebook page is opened in a browser once downloaded; served, it is held to what the printable pages are.
    if (query.format === 'codebook-html') res.setHeader('Content-Security-Policy', PRINTABLE_CSP);
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    res.send(typeof content === 'string' ? content : Buffer.from(content));
  });

  return router;
}

/** Import errors name the file and the problem; REST answers them as `{error: {code, message}}` with their status. */
async function asAccordError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ImportError) throw new AccordError(error.status, error.code, error.message);
    throw error;
  }
}
