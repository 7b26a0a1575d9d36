import { randomBytes } from 'node:crypto';
import {
  addCode,
  addCoding,
  type Code,
  codePath,
  codesMap,
  codingsMap,
  docName,
  initTranscript,
  isId,
  newId,
  readCodes,
  readCodings,
  readRedirects,
  readTurns,
  resolveCode,
  transcriptText,
} from '@accord/shared';
import { hashPassword } from '../auth/passwords.js';
import type { AppContext } from '../context.js';
import { AccordError, notFound } from '../errors.js';
import {
  type BundleCode,
  type BundleSummary,
  bundleProblems,
  type ProjectBundle,
  summariseBundle,
} from '../interchange/bundle.js';
import { guidForId } from '../interchange/guid.js';
import { DEFAULT_PROJECT_SETTINGS, type Project, type TranscriptMeta, type User } from '../metadata/schema.js';
import { decideDocAccess } from './docAccess.js';

/**
 * Moves a bundle into a project and a project out into a bundle. Writing is all or nothing in effect: everything
 * is checked and every account prepared before the first write; documents are written first and the metadata
 * (project, accounts, members, transcript index) last in one store mutation, so nothing is visible until the end;
 * on any failure, the documents written so far are deleted again.
 *
 * Ids: what came from REFI-QDA keeps its GUID as its Accord id (a GUID is a valid id), so a project that goes out
 * and comes back keeps its GUIDs, and exporting it again gives the same file.
 */
export type UserChoice = { account: string } | 'create';

export interface WriteBundleOptions {
  /** The account doing the import: owner of a new project, actor in the audit log. */
  actorId: string;
  /** An existing project's id, or the name of a project to create. */
  project: { id: string } | { create: string };
  /**
   * Which account each coder of the bundle (by GUID) becomes. Default: the account with that GUID as id (an earlier
   * import), else the one account with the same name, else a new account (no usable password until an admin sets
   * one with `accord user`).
   */
  users?: Record<string, UserChoice>;
}

export interface WriteBundleResult {
  projectId: string;
  summary: BundleSummary;
  /** Accounts created for coders who had none. */
  createdAccounts: { id: string; name: string; email: string }[];
  /** Codes that were already in the codebook (same id, or same path) and were reused. */
  reusedCodes: number;
}

export async function writeBundle(
  ctx: AppContext,
  bundle: ProjectBundle,
  options: WriteBundleOptions,
): Promise<WriteBundleResult> {
  const problems = bundleProblems(bundle);
  if (problems.length > 0) throw new AccordError(400, 'invalid_bundle', problems.slice(0, 5).join('; '));
  const data = ctx.store.data;
  const existing =
    'id' in options.project ? data.projects.find((p) => p.id === (options.project as { id: string }).id) : undefined;
  if ('id' in options.project && existing === undefined) throw notFound('no such project');
  if (existing?.archived) throw new AccordError(409, 'archived', 'the project is archived; unarchive it to import');
  const projectId = existing?.id ?? newId();
  const now = Date.now();

  const coders = new Set(
    bundle.transcripts.flatMap((t) => t.layers.filter((l) => l.codings.length > 0).map((l) => l.userGuid)),
  );
  const accountOf = new Map<string, string>();
  const newAccounts: User[] = [];
  for (const user of bundle.users.filter((u) => coders.has(u.guid))) {
    const choice = options.users?.[user.guid];
    const chosen =
      choice === undefined ? matchAccount(data.users, user) : choice === 'create' ? undefined : choice.account;
    if (chosen !== undefined) {
      if (!data.users.some((account) => account.id === chosen))
        throw notFound(`no account ${chosen} for coder "${user.name}"`);
      accountOf.set(user.guid, chosen);
      continue;
    }
    const taken = data.users.some((account) => account.id === user.guid) || newAccounts.some((a) => a.id === user.guid);
    const id = isId(user.guid) && !taken ? user.guid : newId();
    const name = user.name.trim() || `Imported coder ${user.guid.slice(0, 8)}`;
    newAccounts.push({
      id,
      email: `${slug(name)}-${id.slice(0, 8)}@import.invalid`,
      name,
      // A random password nobody knows: the account can code only after an admin sets one.
      passwordHash: await hashPassword(randomBytes(24).toString('base64')),
      admin: false,
      createdAt: now,
    });
    accountOf.set(user.guid, id);
  }

  const usedTranscriptIds = new Set(data.transcripts.map((t) => t.id));
  const transcriptIds = bundle.transcripts.map((transcript) => {
    const id = isId(transcript.guid) && !usedTranscriptIds.has(transcript.guid) ? transcript.guid : newId();
    usedTranscriptIds.add(id);
    return id;
  });

  const createdCodes: string[] = [];
  const writtenTranscripts: string[] = [];
  const codebook = docName({ kind: 'codebook', project: projectId });
  try {
    const codeIds = await ctx.sync.withDoc(codebook, (doc) => {
      const ids = new Map<string, string>();
      const current = new Map(readCodes(doc).map((code) => [code.id, code]));
      const pathKey = (path: string[]) => path.join('\u0000');
      const byPath = new Map([...current.values()].map((code) => [pathKey(codePath(current, code.id)), code.id]));
      const bundlePaths = pathsOf(bundle.codes);
      doc.transact(() => {
        for (const code of bundle.codes) {
          const path = pathKey(bundlePaths.get(code.guid)!);
          const reuse = current.has(code.guid) ? code.guid : byPath.get(path);
          if (reuse !== undefined) {
            ids.set(code.guid, reuse);
            continue;
          }
          const id = isId(code.guid) && !codesMap(doc).has(code.guid) ? code.guid : newId();
          const fields: Parameters<typeof addCode>[1] = {
            name: code.name,
            parent: code.parentGuid === null ? null : ids.get(code.parentGuid)!,
            definition: code.definition,
            inclusion: code.inclusion,
            exclusion: code.exclusion,
            examples: code.examples,
            createdAt: now,
          };
          if (code.colour !== null) fields.colour = code.colour;
          addCode(doc, fields, id);
          createdCodes.push(id);
          ids.set(code.guid, id);
          byPath.set(path, id);
        }
      });
      return ids;
    });

    for (const [index, transcript] of bundle.transcripts.entries()) {
      const transcriptId = transcriptIds[index]!;
      writtenTranscripts.push(transcriptId);
      const textName = docName({ kind: 'text', project: projectId, transcript: transcriptId });
      await ctx.sync.withDoc(textName, async (textDoc) => {
        initTranscript(textDoc, transcript.text, transcript.turns);
        for (const layer of transcript.layers) {
          if (layer.codings.length === 0) continue;
          const coder = accountOf.get(layer.userGuid)!;
          const codingsName = docName({ kind: 'codings', project: projectId, transcript: transcriptId, coder });
          await ctx.sync.withDoc(codingsName, (codingsDoc) => {
            codingsDoc.transact(() => {
              for (const coding of layer.codings) {
                const stored = {
                  code: codeIds.get(coding.codeGuid)!,
                  start: coding.start,
                  end: coding.end,
                  createdAt: coding.createdAt,
                };
                const id = isId(coding.guid) && !codingsMap(codingsDoc).has(coding.guid) ? coding.guid : newId();
                addCoding(
                  codingsDoc,
                  textDoc,
                  coding.memo === undefined ? stored : { ...stored, memo: coding.memo },
                  id,
                );
              }
            });
          });
        }
      });
    }

    await ctx.store.mutate((meta) => {
      let project = meta.projects.find((p) => p.id === projectId);
      if (project === undefined) {
        project = {
          id: projectId,
          name: 'create' in options.project ? options.project.create.trim() : bundle.name,
          description: bundle.description,
          archived: false,
          createdAt: now,
          createdBy: options.actorId,
          settings: { ...DEFAULT_PROJECT_SETTINGS },
          members: [{ userId: options.actorId, role: 'owner', addedAt: now }],
        } satisfies Project;
        meta.projects.push(project);
      }
      meta.users.push(...newAccounts);
      for (const userId of new Set(accountOf.values())) {
        if (!project.members.some((member) => member.userId === userId)) {
          project.members.push({ userId, role: 'coder', addedAt: now });
        }
      }
      bundle.transcripts.forEach((transcript, index) => {
        meta.transcripts.push({
          id: transcriptIds[index]!,
          projectId,
          title: transcript.title.trim() || `Transcript ${index + 1}`,
          participant: transcript.participant.trim(),
          attributes: transcript.attributes,
          createdBy: options.actorId,
          createdAt: now,
        } satisfies TranscriptMeta);
      });
    });
  } catch (error) {
    await rollBack(ctx, projectId, existing === undefined, writtenTranscripts, codebook, createdCodes);
    throw error;
  }
  ctx.recheckConnections();
  const summary = summariseBundle(bundle);
  ctx.audit.record({
    actor: options.actorId,
    action: 'project.import',
    project: projectId,
    details: { transcripts: summary.transcripts, codes: summary.codes, codingsPerCoder: summary.codingsPerCoder },
  });
  return {
    projectId,
    summary,
    createdAccounts: newAccounts.map(({ id, name, email }) => ({ id, name, email })),
    reusedCodes: bundle.codes.length - createdCodes.length,
  };
}

async function rollBack(
  ctx: AppContext,
  projectId: string,
  newProject: boolean,
  transcripts: readonly string[],
  codebook: string,
  codes: readonly string[],
): Promise<void> {
  try {
    if (newProject) {
      await ctx.sync.deletePrefix(`p/${projectId}/`);
      return;
    }
    for (const transcript of transcripts) await ctx.sync.deletePrefix(`p/${projectId}/t/${transcript}/`);
    await ctx.sync.withDoc(codebook, (doc) => {
      doc.transact(() => {
        for (const id of codes) codesMap(doc).delete(id);
      });
    });
  } catch (error) {
    ctx.logger.error('import.rollback_failed', { project: projectId, error });
  }
}

/** An existing account for a coder: the one whose id is the coder's GUID, else the only one with the same name. */
export function matchAccount(accounts: readonly User[], user: { guid: string; name: string }): string | undefined {
  if (accounts.some((account) => account.id === user.guid)) return user.guid;
  const name = user.name.trim().toLowerCase();
  if (name === '') return undefined;
  const sameName = accounts.filter((account) => account.name.trim().toLowerCase() === name);
  return sameName.length === 1 ? sameName[0]!.id : undefined;
}

function pathsOf(codes: readonly BundleCode[]): Map<string, string[]> {
  const byGuid = new Map(codes.map((code) => [code.guid, code]));
  const paths = new Map<string, string[]>();
  for (const code of codes) {
    const path: string[] = [];
    const seen = new Set<string>();
    for (let current: BundleCode | undefined = code; current !== undefined && !seen.has(current.guid); ) {
      seen.add(current.guid);
      path.unshift(current.name);
      current = current.parentGuid === null ? undefined : byGuid.get(current.parentGuid);
    }
    paths.set(code.guid, path);
  }
  return paths;
}

function slug(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[^\w]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return ascii.slice(0, 40) || 'coder';
}

/**
 * The project as a bundle: its codebook, every transcript with its turns, and every member's coding layer (a
 * layer of someone no longer a member is not found: layers are looked up by member). Accord ids become GUIDs
 * through `guidForId`, stable across exports. Codings of deleted codes, or whose text was deleted, are left out.
 */
/**
 * Reads a project into a bundle. With a `reader`, only the coder layers that user may open now are included (an
 * owner exporting during a blind round gets no hidden layer); the offline CLI, which holds the data directory
 * itself, reads all. Codings of merged or deleted codes are resolved through the codebook's redirects.
 */
export async function readBundle(ctx: AppContext, projectId: string, reader?: string): Promise<ProjectBundle> {
  const project = ctx.store.data.projects.find((p) => p.id === projectId);
  if (project === undefined) throw notFound('no such project');
  const { codes, redirects } = await ctx.sync.withDoc(docName({ kind: 'codebook', project: projectId }), (doc) => ({
    codes: readCodes(doc),
    redirects: readRedirects(doc),
  }));
  const codeIds = new Set(codes.map((code) => code.id));
  const bundleCodes = orderParentsFirst(codes).map(
    (code): BundleCode => ({
      guid: guidForId(code.id),
      name: code.name,
      parentGuid: code.parent === null || !codeIds.has(code.parent) ? null : guidForId(code.parent),
      colour: code.colour,
      definition: code.definition,
      inclusion: code.inclusion,
      exclusion: code.exclusion,
      examples: code.examples,
    }),
  );
  const memberIds = project.members.map((member) => member.userId);
  const coders = new Set<string>();
  const transcripts = ctx.store.data.transcripts.filter((t) => t.projectId === projectId);
  const bundleTranscripts: ProjectBundle['transcripts'] = [];
  for (const transcript of transcripts) {
    const textName = docName({ kind: 'text', project: projectId, transcript: transcript.id });
    bundleTranscripts.push(
      await ctx.sync.withDoc(textName, async (textDoc) => {
        const layers: ProjectBundle['transcripts'][number]['layers'] = [];
        for (const coder of memberIds) {
          const ref = { kind: 'codings', project: projectId, transcript: transcript.id, coder } as const;
          if (reader !== undefined && decideDocAccess(ctx.store, reader, ref).access === 'none') continue;
          const codings = await ctx.sync.withDoc(docName(ref), (doc) =>
            codingsMap(doc).size === 0 ? [] : readCodings(doc, textDoc),
          );
          const kept = codings.flatMap((coding) => {
            const code = resolveCode(redirects, coding.code);
            return code !== null && codeIds.has(code) ? [{ ...coding, code }] : [];
          });
          if (kept.length === 0) continue;
          coders.add(coder);
          layers.push({
            userGuid: guidForId(coder),
            codings: kept.map((coding) => {
              const result = {
                guid: guidForId(coding.id),
                codeGuid: guidForId(coding.code),
                start: coding.start,
                end: coding.end,
                createdAt: coding.createdAt,
              };
              return coding.memo === undefined ? result : { ...result, memo: coding.memo };
            }),
          });
        }
        return {
          guid: guidForId(transcript.id),
          title: transcript.title,
          participant: transcript.participant,
          attributes: { ...transcript.attributes },
          text: transcriptText(textDoc).toString(),
          turns: readTurns(textDoc).map(({ end: _, ...turn }) => turn),
          layers,
        };
      }),
    );
  }
  const users = ctx.store.data.users
    .filter((user) => coders.has(user.id))
    .map((user) => ({ guid: guidForId(user.id), name: user.name }));
  return {
    name: project.name,
    description: project.description,
    users,
    codes: bundleCodes,
    transcripts: bundleTranscripts,
    memos: [],
  };
}

/** Codes with every parent before its children, siblings in codebook order. */
function orderParentsFirst(codes: readonly Code[]): Code[] {
  const ids = new Set(codes.map((code) => code.id));
  const ordered: Code[] = [];
  const visit = (parent: string | null) => {
    for (const code of codes) {
      const effectiveParent = code.parent !== null && ids.has(code.parent) ? code.parent : null;
      if (effectiveParent !== parent || ordered.includes(code)) continue;
      ordered.push(code);
      visit(code.id);
    }
  };
  visit(null);
  return ordered;
}
