import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addCoding, docName, memoText } from '@accord/shared';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { createUser } from '../../server/src/accounts/users.js';
import { openContext } from '../../server/src/app.js';
import { resolveConfig } from '../../server/src/config.js';
import type { AppContext } from '../../server/src/context.js';
import { writeQdpx } from '../../server/src/export/refiQda.js';
import { readImport } from '../../server/src/import/index.js';
import { DEFAULT_LIMITS } from '../../server/src/import/limits.js';
import type { ProjectBundle } from '../../server/src/interchange/bundle.js';
import type { Round } from '../../server/src/metadata/schema.js';
import { readBundle, writeBundle } from '../../server/src/projects/bundleIo.js';
import { CODES, sampleBundle, USERS } from '../../server/test/export/sampleBundle.js';
import { editMetadata, metadataOf } from '../helpers/metadata.js';

const XSD = fs.readFileSync(new URL('../fixtures/refi-qda/Project-mrt2019.xsd', import.meta.url), 'utf8');

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const opened of open.splice(0)) await opened.close();
});

async function dataDir(): Promise<{ ctx: AppContext; lead: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-memos-'));
  const opened = await openContext(resolveConfig({ dataDir: dir, logLevel: 'silent' }, {}), 'test');
  open.push(opened);
  const lead = await createUser(opened.ctx.metadata, {
    email: 'lead@example.org',
    name: 'Lead',
    password: 'a long password',
    admin: true,
  });
  return { ctx: opened.ctx, lead: lead.id };
}

const memo = (ctx: AppContext, project: string, id: string) =>
  ctx.sync.withDoc(docName({ kind: 'memo', project, memo: id }), (doc) => memoText(doc).toString());

const importQdpx = async (bytes: Uint8Array) =>
  (await readImport([{ name: 'in.qdpx', bytes }], { limits: DEFAULT_LIMITS })).bundle;

const USER = '088b08ac-d5cd-4adb-8b71-b4f3459c177f';
const CODE = 'a182cd3a-d83c-4d8c-bc80-26d9103ec6d6';
const SOURCE = '5b3c61d2-9a5e-4c39-9e0b-3b6a2d6e7f10';
const note = (n: number) => `f0000000-0000-4000-8000-00000000000${n}`;
const TEXT = 'Interviewer: How did it start?\nP1: With a letter.\n';

/** A project as another tool writes it: notes on a coding, a code, a source (two) and the project. */
function foreignQdpx(): Uint8Array {
  const qde = `<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Elsewhere"><Users><User guid="${USER}" name="Enric"/></Users><CodeBook><Codes><Code guid="${CODE}" name="Origins" isCodable="true"><NoteRef targetGUID="${note(2)}"/></Code></Codes></CodeBook><Sources><TextSource guid="${SOURCE}" name="Interview 1" plainTextPath="internal://${SOURCE}.txt"><PlainTextSelection guid="${crypto.randomUUID()}" startPosition="36" endPosition="49"><Coding guid="${crypto.randomUUID()}" creatingUser="${USER}"><CodeRef targetGUID="${CODE}"/><NoteRef targetGUID="${note(1)}"/></Coding></PlainTextSelection><NoteRef targetGUID="${note(3)}"/><NoteRef targetGUID="${note(4)}"/></TextSource></Sources><Notes><Note guid="${note(1)}" name="on the coding"><PlainTextContent>Coding memo</PlainTextContent></Note><Note guid="${note(2)}" name="On origins" creatingUser="${USER}" creationDateTime="2023-08-16T15:14:29Z"><PlainTextContent>Code memo</PlainTextContent></Note><Note guid="${note(3)}" name="First"><PlainTextContent>Source memo one</PlainTextContent></Note><Note guid="${note(4)}" name="Second" creatingUser="${USER}" creationDateTime="2023-08-17T09:00:00Z"><PlainTextContent>Source memo two
on two lines</PlainTextContent></Note><Note guid="${note(5)}"><PlainTextContent>Project memo</PlainTextContent></Note></Notes></Project>`;
  return zipSync({ 'project.qde': strToU8(qde), [`sources/${SOURCE}.txt`]: strToU8(TEXT) });
}

describe('memos outside codings', () => {
  it('a REFI-QDA import stores each note in the memo of what it is attached to', async () => {
    const { ctx, lead } = await dataDir();
    const { projectId } = await writeBundle(ctx, await importQdpx(foreignQdpx()), {
      actorId: lead,
      project: { create: 'Elsewhere' },
    });
    expect(await memo(ctx, projectId, `code-${CODE}`)).toBe(
      '--- Imported note: On origins (Enric, 2023-08-16) ---\nCode memo',
    );
    expect(await memo(ctx, projectId, `t-${SOURCE}`)).toBe(
      '--- Imported note: First ---\nSource memo one\n\n' +
        '--- Imported note: Second (Enric, 2023-08-17) ---\nSource memo two\non two lines',
    );
    // One note with no title, author or date goes in as it is.
    expect(await memo(ctx, projectId, 'project')).toBe('Project memo');
    // A coding's note stays on the coding.
    const bundle = await readBundle(ctx, projectId);
    expect(bundle.transcripts[0]!.layers[0]!.codings[0]!.memo).toBe('Coding memo');
    expect(bundle.memos.map((m) => m.text)).not.toContain('Coding memo');

    // Importing again into the same project appends to the memos of the codes it reuses.
    await writeBundle(ctx, await importQdpx(foreignQdpx()), { actorId: lead, project: { id: projectId } });
    expect(await memo(ctx, projectId, `code-${CODE}`)).toBe(
      '--- Imported note: On origins (Enric, 2023-08-16) ---\nCode memo\n\n' +
        '--- Imported note: On origins (Enric, 2023-08-16) ---\nCode memo',
    );
    // Added to a memo that has text, even a plain note gets a header line to separate it.
    expect(await memo(ctx, projectId, 'project')).toBe('Project memo\n\n--- Imported note ---\nProject memo');
  });

  it('a bundle whose memo is about something not in it is refused before anything is written', async () => {
    const { ctx, lead } = await dataDir();
    const bundle = sampleBundle();
    bundle.memos.push({ ...bundle.memos[0]!, guid: note(9), about: { kind: 'code', guid: note(8) } });
    await expect(writeBundle(ctx, bundle, { actorId: lead, project: { create: 'P' } })).rejects.toThrow(
      /memo "Method" is about code f0000000-0000-4000-8000-000000000008, which is not in the bundle/,
    );
    expect((await metadataOf(ctx)).projects).toEqual([]);
    expect(await ctx.sync.listDocs('p/')).toEqual([]);
  });

  it('an export carries the project, code and transcript memos as notes, valid REFI-QDA, and reads back', async () => {
    const { ctx, lead } = await dataDir();
    const { projectId } = await writeBundle(ctx, await importQdpx(foreignQdpx()), {
      actorId: lead,
      project: { create: 'Elsewhere' },
    });
    // A memo document without text is left out; text typed in Accord is kept exactly, edges included.
    const transcript = (await metadataOf(ctx)).transcripts[0]!;
    await ctx.sync.withDoc(docName({ kind: 'memo', project: projectId, memo: 'theme-x' }), () => {});
    await ctx.sync.withDoc(docName({ kind: 'memo', project: projectId, memo: 'project' }), (doc) =>
      memoText(doc).insert(0, '  Typed 😀 in Accord\n\n'),
    );
    const exported = await readBundle(ctx, projectId);
    expect(exported.memos.map((m) => [m.title, m.about])).toEqual([
      ['Project memo', null],
      ['Code memo: Origins', { kind: 'code', guid: CODE }],
      ['Transcript memo: Interview 1', { kind: 'transcript', guid: transcript.id }],
    ]);
    expect(exported.memos.every((m) => m.userGuid === null && m.createdAt === 0)).toBe(true);

    const qdpx = writeQdpx(exported);
    const qde = strFromU8(unzipSync(qdpx)['project.qde']!);
    const validation = await validateXML({ xml: [{ fileName: 'project.qde', contents: qde }], schema: [XSD] });
    expect(validation.errors).toEqual([]);
    const [projectMemo, codeMemo, transcriptMemo] = exported.memos.map((m) => m.guid);
    expect(qde).toMatch(new RegExp(`<Code guid="${CODE}"[^>]*><NoteRef targetGUID="${codeMemo}"/></Code>`));
    expect(qde).toContain(`<NoteRef targetGUID="${transcriptMemo}"/></TextSource>`);
    expect(qde).toMatch(new RegExp(`<NoteRef targetGUID="${projectMemo}"/></Project>$`));

    // Into an empty data directory: the same memos, word for word.
    const second = await dataDir();
    const again = await writeBundle(second.ctx, await importQdpx(qdpx), {
      actorId: second.lead,
      project: { create: 'Elsewhere' },
    });
    for (const id of ['project', `code-${CODE}`, `t-${transcript.id}`]) {
      expect(await memo(second.ctx, again.projectId, id)).toBe(await memo(ctx, projectId, id));
    }
    expect(await memo(second.ctx, again.projectId, 'project')).toBe('  Typed 😀 in Accord\n\nProject memo');
    const reexported = writeQdpx(await readBundle(second.ctx, again.projectId));
    expect(Buffer.from(reexported).equals(Buffer.from(qdpx))).toBe(true);
  });
});

describe('coder layers in an export', () => {
  async function project() {
    const { ctx, lead } = await dataDir();
    const source = sampleBundle();
    for (const code of source.codes) code.colour ??= '#332288';
    const { projectId } = await writeBundle(ctx, source, { actorId: lead, project: { create: 'Study' } });
    return { ctx, lead, projectId, source };
  }
  const layersOf = (bundle: ProjectBundle) =>
    bundle.transcripts.map((t) => t.layers.map((layer) => [layer.userGuid, layer.codings.length]));

  it("include a former member's layer, and a layer whose account is gone (offline export only)", async () => {
    const { ctx, lead, projectId } = await project();
    const all = [
      [
        [USERS.ana, 2],
        [USERS.ben, 2],
      ],
      [[USERS.cy, 1]],
    ];
    expect(layersOf(await readBundle(ctx, projectId))).toEqual(all);
    await editMetadata(ctx, (meta) => {
      const stored = meta.projects.find((p) => p.id === projectId)!;
      stored.members = stored.members.filter((member) => member.userId !== USERS.ben);
    });
    expect(layersOf(await readBundle(ctx, projectId))).toEqual(all);
    expect(layersOf(await readBundle(ctx, projectId, lead))).toEqual(all);
    expect((await readBundle(ctx, projectId, lead)).users.map((u) => u.name)).toEqual(['Ana', 'Ben', 'Cy']);

    // A layer of someone who was never a member (written directly, as a script or an old import might have).
    const dee = await createUser(ctx.metadata, {
      email: 'dee@example.org',
      name: 'Dee',
      password: 'a long password',
      admin: false,
    });
    const transcript = (await metadataOf(ctx)).transcripts[1]!.id;
    await ctx.sync.withDoc(docName({ kind: 'text', project: projectId, transcript }), (text) =>
      ctx.sync.withDoc(docName({ kind: 'codings', project: projectId, transcript, coder: dee.id }), (codings) =>
        addCoding(codings, text, { code: CODES.support, start: 0, end: 3, createdAt: 1 }),
      ),
    );
    const withDee = await readBundle(ctx, projectId, lead);
    expect(withDee.users.map((u) => u.name)).toEqual(['Ana', 'Ben', 'Cy', 'Dee']);
    expect(withDee.transcripts[1]!.layers).toHaveLength(2);

    // An account that no longer exists: the offline export keeps the layer under an unnamed coder; a reader,
    // whose access needs the account, does not get it.
    await editMetadata(ctx, (meta) => {
      meta.users = meta.users.filter((user) => user.id !== USERS.cy);
    });
    const offline = await readBundle(ctx, projectId);
    expect(offline.users).toContainEqual({ guid: USERS.cy, name: '' });
    expect(layersOf(offline)[1]).toContainEqual([USERS.cy, 1]);
    expect(layersOf(await readBundle(ctx, projectId, lead))[1]).not.toContainEqual([USERS.cy, 1]);
    // It still imports: the unnamed coder becomes an account of its own.
    const second = await dataDir();
    const imported = await writeBundle(second.ctx, offline, { actorId: second.lead, project: { create: 'Study' } });
    expect(imported.createdAccounts.map((a) => a.name)).toContain(`Imported coder ${USERS.cy.slice(0, 8)}`);
  });

  it('a running blind round still hides the layers the reader may not open, former members included', async () => {
    const { ctx, lead, projectId } = await project();
    const transcript = (await metadataOf(ctx)).transcripts[0]!.id;
    await editMetadata(ctx, (meta) => {
      const stored = meta.projects.find((p) => p.id === projectId)!;
      stored.members = stored.members.filter((member) => member.userId !== USERS.ben);
      meta.rounds.push(blindRound(projectId, transcript, lead, [USERS.ana, USERS.ben]));
    });
    // The owner may not look: neither coder's layer of the round's transcript, the other transcript in full.
    const owner = await readBundle(ctx, projectId, lead);
    expect(layersOf(owner)).toEqual([[], [[USERS.cy, 1]]]);
    expect(owner.users.map((u) => u.name)).toEqual(['Cy']);
    // A coder in the round sees only their own layer there.
    expect(layersOf(await readBundle(ctx, projectId, USERS.ana))).toEqual([[[USERS.ana, 2]], [[USERS.cy, 1]]]);
    // Memos are not hidden by a round.
    expect(owner.memos.map((m) => m.title)).toEqual([
      'Project memo',
      'Code memo: Stigma',
      'Transcript memo: Interview P2',
    ]);
    // An owner allowed to look (and not coding in the round) gets both layers; the offline export always does.
    await editMetadata(ctx, (meta) => {
      meta.rounds[0]!.ownerMayLook = true;
    });
    expect(layersOf(await readBundle(ctx, projectId, lead))[0]).toEqual([
      [USERS.ana, 2],
      [USERS.ben, 2],
    ]);
  });
});

function blindRound(projectId: string, transcriptId: string, by: string, coders: string[]): Round {
  return {
    id: 'round1',
    projectId,
    name: 'Blind',
    mode: 'blind',
    status: 'running',
    ownerMayLook: false,
    assignments: [{ transcriptId, coders }],
    createdAt: 1,
    createdBy: by,
    revealedAt: null,
    sample: null,
    codebookSnapshot: null,
    adjudicators: [],
    done: [],
    revealedBy: null,
    forced: false,
    snapshots: [],
    codebookChanges: [],
  };
}
