import type { ImportResponse, UploadResponse } from '@accord/shared';
import express, { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AccordError } from '../../errors.js';
import { downloadExport } from '../../export/download.js';
import { MATRIX_UNITS, type MatrixUnit } from '../../export/matrix.js';
import { EXPORT_FORMATS } from '../../export/render.js';
import type { ImportFile, ImportKind } from '../../import/index.js';
import { DEFAULT_LIMITS } from '../../import/limits.js';
import { HeldUploads, importUploads, previewUpload } from '../../import/uploads.js';
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
 *
 * Routes parse, authorise, call a domain function (server/src/import/uploads.ts, server/src/export/download.ts) and
 * serialise.
 */
const KINDS = ['transcript', 'project', 'codebook', 'codebookList', 'attributes'] as const;

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
const flag = z.enum(['true', 'false']);
const exportQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS),
  code: z.string().max(200).optional(),
  coder: z.string().max(200).optional(),
  transcript: z.string().max(200).optional(),
  unit: z.enum(MATRIX_UNITS as [MatrixUnit, ...MatrixUnit[]]).default('turn'),
  recal: flag.optional().transform((value) => value === 'true'),
  /** CSV formats: `false` writes cells exactly, without neutralising formula-like text (for R and pandas). */
  formulaSafe: flag.default('true').transform((value) => value === 'true'),
});

/** `uploads` holds the files waiting for their import (one store per router unless given, as tests do). */
export function importExportRoutes(ctx: AppContext, uploads = new HeldUploads()): Router {
  const router = Router();

  router.post(
    '/projects/:project/import/files',
    express.raw({ type: 'application/octet-stream', limit: DEFAULT_LIMITS.maxFileBytes }),
    async (req, res) => {
      const { user, project } = await authoriseProject(ctx, req, 'editTranscripts');
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
      const upload = await previewUpload(ctx, uploads, user.id, project.id, file);
      res.status(201).json({ upload } satisfies UploadResponse);
    },
  );

  router.post('/projects/:project/import', async (req, res) => {
    const { user, project } = await authoriseProject(ctx, req, 'editTranscripts');
    const imported = await importUploads(ctx, uploads, user.id, project.id, parse(importRequest, req.body));
    res.status(201).json(imported satisfies ImportResponse);
  });

  router.get('/projects/:project/export', async (req, res) => {
    const { user, project } = await authoriseProject(ctx, req, 'manage');
    const download = await downloadExport(ctx, user.id, project, parse(exportQuery, req.query, 'query'));
    res.setHeader('Content-Type', download.contentType);
    if (download.contentSecurityPolicy !== undefined)
      res.setHeader('Content-Security-Policy', download.contentSecurityPolicy);
    res.setHeader('Content-Disposition', `attachment; filename="${download.fileName}"`);
    const { content } = download;
    res.send(typeof content === 'string' ? content : Buffer.from(content));
  });

  return router;
}
