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
  memoText,
  newId,
  parseDocName,
  readCodes,
  readCodings,
  readRedirects,
  readTurns,
  resolveCode,
  transcriptText,
} from '@accord/shared';
import * as Y from 'yjs';
import { hashPassword } from '../auth/passwords.js';
import type { AppContext } from '../context.js';
import { AccordError, notFound } from '../errors.js';
import {
  type BundleCode,
  type BundleMemo,
  type BundleSummary,
  bundleProblems,
  type ProjectBundle,
  summariseBundle,
} from '../interchange/bundle.js';
import { normaliseColour } from '../interchange/colour.js';
import { derivedGuid, guidForId } from '../interchange/guid.js';
import {
  codeMemoId,
  defaultMemoTitle,
  memoTextToAppend,
  PROJECT_MEMO,
  transcriptMemoId,
} from '../interchange/memos.js';
import { DEFAULT_PROJECT_SETTINGS, type Project, type TranscriptMeta, type User } from '../metadata/schema.js';
import { DocReads } from './docReads.js';

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
  /** The id each transcript of the bundle got (its GUID when that was free), to attach recordings to them. */
  transcriptIds: { guid: string; id: string }[];
}

export async function writeBundle(
  ctx: AppContext,
  bundle: ProjectBundle,
  options: WriteBundleOptions,
): Promise<WriteBundleResult> {
  const problems = bundleProblems(bundle);
  if (problems.length > 0) throw new AccordError(400, 'invalid_bundle', problems.slice(0, 5).join('; '));
  const existing =
    'id' in options.project ? ((await ctx.metadata.projects.get(options.project.id)) ?? undefined) : undefined;
  if ('id' in options.project && existing === undefined) throw notFound('no such project');
  const accounts = await ctx.metadata.users.list();
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
      choice === undefined ? matchAccount(accounts, user) : choice === 'create' ? undefined : choice.account;
    if (chosen !== undefined) {
      if (!accounts.some((account) => account.id === chosen))
        throw notFound(`no account ${chosen} for coder "${user.name}"`);
      accountOf.set(user.guid, chosen);
      continue;
    }
    const taken = accounts.some((account) => account.id === user.guid) || newAccounts.some((a) => a.id === user.guid);
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

  const usedTranscriptIds = new Set((await ctx.metadata.transcripts.list()).map((t) => t.id));
  const transcriptIds = bundle.transcripts.map((transcript) => {
    const id = isId(transcript.guid) && !usedTranscriptIds.has(transcript.guid) ? transcript.guid : newId();
    usedTranscriptIds.add(id);
    return id;
  });

  const createdCodes: string[] = [];
  const writtenTranscripts: string[] = [];
  const appendedMemos: AppendedMemo[] = [];
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
          const colour = normaliseColour(code.colour);
          if (colour !== null) fields.colour = colour;
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

    // Free-standing memos: appended to the project's, transcripts' and codes' memo documents.
    const transcriptIdOf = new Map(
      bundle.transcripts.map((transcript, index) => [transcript.guid, transcriptIds[index]!]),
    );
    for (const { about, notes, targetName } of memoGroups(bundle)) {
      const memo =
        about === null
          ? PROJECT_MEMO
          : about.kind === 'code'
            ? codeMemoId(codeIds.get(about.guid)!)
            : transcriptMemoId(transcriptIdOf.get(about.guid)!);
      const name = docName({ kind: 'memo', project: projectId, memo });
      await ctx.sync.withDoc(name, (doc) => {
        const text = memoText(doc);
        const added = memoTextToAppend(text.toString(), notes, bundle.users, defaultMemoTitle(about, targetName));
        if (added === '') return;
        const at = text.length;
        text.insert(at, added);
        // Relative positions still find the appended text if someone edits the memo while the import runs.
        appendedMemos.push({
          name,
          from: Y.createRelativePositionFromTypeIndex(text, at),
          to: Y.createRelativePositionFromTypeIndex(text, at + added.length, -1),
        });
      });
    }

    // The project, the new accounts, the memberships and the transcript index entries: all of it, or none.
    await ctx.metadata.transaction(async (tx) => {
      let project = await tx.projects.get(projectId);
      if (project === null) {
        project = await tx.projects.create({
          id: projectId,
          name: 'create' in options.project ? options.project.create.trim() : bundle.name,
          description: bundle.description,
          archived: false,
          createdAt: now,
          createdBy: options.actorId,
          settings: { ...DEFAULT_PROJECT_SETTINGS },
          members: [{ userId: options.actorId, role: 'owner', addedAt: now }],
        } satisfies Project);
      }
      for (const account of newAccounts) await tx.users.create(account);
      for (const userId of new Set(accountOf.values())) {
        if (!project.members.some((member) => member.userId === userId)) {
          await tx.projects.setMemberRole(projectId, userId, 'coder', now);
        }
      }
      for (const [index, transcript] of bundle.transcripts.entries()) {
        await tx.transcripts.create({
          id: transcriptIds[index]!,
          projectId,
          title: transcript.title.trim() || `Transcript ${index + 1}`,
          participant: transcript.participant.trim(),
          attributes: transcript.attributes,
          createdBy: options.actorId,
          createdAt: now,
        } satisfies TranscriptMeta);
      }
    });
  } catch (error) {
    await rollBack(ctx, projectId, existing === undefined, {
      transcripts: writtenTranscripts,
      codebook,
      codes: createdCodes,
      memos: appendedMemos,
    });
    throw error;
  }
  ctx.recheckConnections();
  const summary = summariseBundle(bundle);
  await ctx.metadata.audit.record({
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
    transcriptIds: bundle.transcripts.map((transcript, index) => ({
      guid: transcript.guid,
      id: transcriptIds[index]!,
    })),
  };
}

interface AppendedMemo {
  name: string;
  from: Y.RelativePosition;
  to: Y.RelativePosition;
}

/** The bundle's memos grouped by what they are about, in the order each target first appears. */
function memoGroups(bundle: ProjectBundle): { about: BundleMemo['about']; notes: BundleMemo[]; targetName: string }[] {
  const groups = new Map<string, { about: BundleMemo['about']; notes: BundleMemo[]; targetName: string }>();
  for (const memo of bundle.memos) {
    const key = memo.about === null ? '' : `${memo.about.kind}:${memo.about.guid}`;
    const group = groups.get(key);
    if (group !== undefined) {
      group.notes.push(memo);
      continue;
    }
    const about = memo.about;
    const targetName =
      about === null
        ? ''
        : about.kind === 'code'
          ? (bundle.codes.find((code) => code.guid === about.guid)?.name ?? '')
          : (bundle.transcripts.find((transcript) => transcript.guid === about.guid)?.title ?? '');
    groups.set(key, { about, notes: [memo], targetName });
  }
  return [...groups.values()];
}

async function rollBack(
  ctx: AppContext,
  projectId: string,
  newProject: boolean,
  written: {
    transcripts: readonly string[];
    codebook: string;
    codes: readonly string[];
    memos: readonly AppendedMemo[];
  },
): Promise<void> {
  const { transcripts, codebook, codes, memos } = written;
  try {
    if (newProject) {
      await ctx.sync.deletePrefix(`p/${projectId}/`);
      return;
    }
    for (const memo of memos) {
      await ctx.sync.withDoc(memo.name, (doc) => {
        const from = Y.createAbsolutePositionFromRelativePosition(memo.from, doc);
        const to = Y.createAbsolutePositionFromRelativePosition(memo.to, doc);
        if (from !== null && to !== null && to.index > from.index)
          memoText(doc).delete(from.index, to.index - from.index);
      });
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
 * Reads a project into a bundle: its codebook, every transcript with its turns, every coder layer stored for it
 * (found by listing the stored documents, so the layers of former members and of imported coders who are not
 * members are found too), and the project, transcript and code memos that have text. Accord ids become GUIDs
 * through `guidForId`, stable across exports. Codings of merged or deleted codes are resolved through the
 * codebook's redirects; codings of deleted codes, or whose text was deleted, are left out.
 *
 * With a `reader`, only the documents that user may open now are included (an owner exporting during a blind
 * round gets no hidden layer, unless the round lets them look); the offline CLI, which holds the data directory
 * itself, reads all. Either way, hidden layers of a running blind round that were read are written to the audit
 * log (`round.look`, one entry per round) before the bundle is returned.
 */
export async function readBundle(ctx: AppContext, projectId: string, reader?: string): Promise<ProjectBundle> {
  const project = await ctx.metadata.projects.get(projectId);
  if (project === null) throw notFound('no such project');
  const reads = new DocReads(ctx, reader ?? null, 'export');
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
  // One listing finds every stored layer and memo; opening a document that does not exist would create it.
  const layerCoders = new Map<string, string[]>();
  const storedMemos = new Set<string>();
  for (const name of await ctx.sync.listDocs(`p/${projectId}/`)) {
    const ref = parseDocName(name);
    if (ref?.kind === 'codings')
      layerCoders.set(ref.transcript, [...(layerCoders.get(ref.transcript) ?? []), ref.coder]);
    else if (ref?.kind === 'memo') storedMemos.add(ref.memo);
  }
  const coders = new Set<string>();
  const transcripts = await ctx.metadata.transcripts.listByProject(projectId);
  const bundleTranscripts: ProjectBundle['transcripts'] = [];
  for (const transcript of transcripts) {
    const textName = docName({ kind: 'text', project: projectId, transcript: transcript.id });
    bundleTranscripts.push(
      await ctx.sync.withDoc(textName, async (textDoc) => {
        const layers: ProjectBundle['transcripts'][number]['layers'] = [];
        // In GUID order, which survives an export and import (account ids need not).
        const stored = (layerCoders.get(transcript.id) ?? []).sort((a, b) => compare(guidForId(a), guidForId(b)));
        for (const coder of stored) {
          const ref = { kind: 'codings', project: projectId, transcript: transcript.id, coder } as const;
          if ((await reads.access(ref)) === 'none') continue;
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
  const accounts = (await ctx.metadata.users.list()).filter((user) => coders.has(user.id));
  // A layer whose account is gone still has a coder (only the offline CLI sees such a layer: access needs an account).
  const unnamed = [...coders].filter((coder) => !accounts.some((user) => user.id === coder));
  const users = [
    ...accounts.map((user) => ({ guid: guidForId(user.id), name: user.name })),
    ...unnamed.map((coder) => ({ guid: guidForId(coder), name: '' })).sort((a, b) => compare(a.guid, b.guid)),
  ];

  const memos: BundleMemo[] = [];
  const readMemo = async (memo: string, about: BundleMemo['about'], targetName: string, guid: string) => {
    if (!storedMemos.has(memo)) return;
    const ref = { kind: 'memo', project: projectId, memo } as const;
    if ((await reads.access(ref)) === 'none') return;
    const text = await ctx.sync.withDoc(docName(ref), (doc) => memoText(doc).toString().replace(/\r\n?/g, '\n'));
    if (text.trim() === '') return;
    memos.push({ guid, title: defaultMemoTitle(about, targetName), text, about, userGuid: null, createdAt: 0 });
  };
  await readMemo(PROJECT_MEMO, null, '', derivedGuid(project.name, 'project-memo'));
  for (const code of orderParentsFirst(codes)) {
    const guid = guidForId(code.id);
    await readMemo(codeMemoId(code.id), { kind: 'code', guid }, code.name, derivedGuid(guid, 'code-memo'));
  }
  for (const transcript of transcripts) {
    const guid = guidForId(transcript.id);
    await readMemo(
      transcriptMemoId(transcript.id),
      { kind: 'transcript', guid },
      transcript.title,
      derivedGuid(guid, 'transcript-memo'),
    );
  }
  await reads.recordLooks();
  return {
    name: project.name,
    description: project.description,
    users,
    codes: bundleCodes,
    transcripts: bundleTranscripts,
    memos,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
