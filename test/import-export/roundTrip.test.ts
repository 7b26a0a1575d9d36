import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { codesMap, docName, memoText, readCodes, transcriptText } from '@accord/shared';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { createUser } from '../../server/src/accounts/users.js';
import { openContext } from '../../server/src/app.js';
import { resolveConfig } from '../../server/src/config.js';
import type { AppContext } from '../../server/src/context.js';
import { writeQdc, writeQdpx } from '../../server/src/export/refiQda.js';
import { readImport } from '../../server/src/import/index.js';
import { DEFAULT_LIMITS } from '../../server/src/import/limits.js';
import type { ProjectBundle } from '../../server/src/interchange/bundle.js';
import { readBundle, writeBundle } from '../../server/src/projects/bundleIo.js';
import { CODES, sampleBundle } from '../../server/test/export/sampleBundle.js';
import { runCli } from '../helpers/cli.js';
import { editMetadata, metadataOf } from '../helpers/metadata.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const schema = (name: string) => fs.readFileSync(new URL(`refi-qda/${name}`, FIXTURES), 'utf8');

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const opened of open.splice(0)) await opened.close();
});

async function dataDir(): Promise<{ ctx: AppContext; dir: string; lead: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-io-'));
  const opened = await openContext(resolveConfig({ dataDir: dir, logLevel: 'silent' }, {}), 'test');
  open.push(opened);
  const lead = await createUser(opened.ctx.metadata, {
    email: 'lead@example.org',
    name: 'Lead',
    password: 'a long password',
    admin: true,
  });
  return { ctx: opened.ctx, dir, lead: lead.id };
}

/** What must survive a round trip: text, codes, and every coding with its offsets, coder and memo. */
function essence(bundle: ProjectBundle) {
  const coder = new Map(bundle.users.map((user) => [user.guid, user.name]));
  const code = new Map(bundle.codes.map((c) => [c.guid, c.name]));
  return {
    codes: bundle.codes.map(({ guid: _, parentGuid, ...rest }) => ({
      ...rest,
      parent: parentGuid === null ? null : code.get(parentGuid),
    })),
    transcripts: bundle.transcripts.map((t) => ({
      title: t.title,
      participant: t.participant,
      attributes: t.attributes,
      text: t.text,
      codings: t.layers
        .flatMap((layer) =>
          layer.codings.map((c) => [
            coder.get(layer.userGuid),
            code.get(c.codeGuid),
            c.start,
            c.end,
            c.memo ?? '',
            c.createdAt,
          ]),
        )
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    })),
  };
}

async function validate(xml: string, xsd: string, fileName: string) {
  return validateXML({ xml: [{ fileName, contents: xml }], schema: [schema(xsd)] });
}

describe('REFI-QDA round trip through two data directories', () => {
  it('export, import into an empty data directory, export again: same content, same bytes', async () => {
    const first = await dataDir();
    const source = sampleBundle();
    // A code without a colour gets one from Accord's palette; give them all one to compare exactly.
    for (const code of source.codes) code.colour ??= '#332288';
    const written = await writeBundle(first.ctx, source, { actorId: first.lead, project: { create: 'Study' } });
    expect(written.createdAccounts.map((a) => a.name)).toEqual(['Ana', 'Ben', 'Cy']);
    const exported = await readBundle(first.ctx, written.projectId);
    expect(essence(exported)).toEqual(essence(source));
    // Notes went into the project's memos, and come out as one note per memo.
    expect(exported.memos.map((memo) => [memo.title, memo.text])).toEqual([
      ['Project memo', '--- Imported note: Method (Ana, 2023-11-14) ---\nTwo coders per transcript.'],
      ['Code memo: Stigma', '--- Imported note: On stigma (Ben, 2023-11-14) ---\nSplit into public and self?'],
      ['Transcript memo: Interview P2', '--- Imported note: P2 context ---\nRural.'],
    ]);
    expect(exported.transcripts.map((t) => t.turns)).toEqual(source.transcripts.map((t) => t.turns));
    const qdpx = writeQdpx(exported);

    const second = await dataDir();
    const { bundle } = await readImport([{ name: 'study.qdpx', bytes: qdpx }], { limits: DEFAULT_LIMITS });
    const imported = await writeBundle(second.ctx, bundle, { actorId: second.lead, project: { create: 'Study' } });
    expect(imported.summary.codingsPerCoder).toEqual({ Ana: 2, Ben: 2, Cy: 1 });
    const again = await readBundle(second.ctx, imported.projectId);
    expect(essence(again)).toEqual(essence(exported));
    expect(again.users).toEqual(exported.users);
    expect(again.memos).toEqual(exported.memos);
    // Turn times went through REFI-QDA too.
    expect(again.transcripts.map((t) => t.turns)).toEqual(exported.transcripts.map((t) => t.turns));
    expect(again.transcripts[0]!.turns.map((turn) => turn.time)).toEqual([0, 4.5, 61.25]);
    expect(Buffer.from(writeQdpx(again)).equals(Buffer.from(qdpx))).toBe(true);
  });

  it('the exported .qde (with notes, and turn times as a variable) and .qdc validate against the REFI-QDA schemas', async () => {
    const qde = strFromU8(unzipSync(writeQdpx(sampleBundle()))['project.qde']!);
    expect(qde).toContain('<NoteRef targetGUID="dddddddd-0000-4000-8000-000000000001"/></Project>');
    expect(qde).toContain('name="Accord speaker turns"');
    const project = await validate(qde, 'Project-mrt2019.xsd', 'project.qde');
    expect(project.errors).toEqual([]);
    expect(project.valid).toBe(true);
    const codebook = await validate(writeQdc(sampleBundle().codes), 'Codebook-mrt2019.xsd', 'codebook.qdc');
    expect(codebook.errors).toEqual([]);
    expect(codebook.valid).toBe(true);
  });

  it('the validator does reject a broken project (the check is real)', async () => {
    const qde = strFromU8(unzipSync(writeQdpx(sampleBundle()))['project.qde']!).replace(' isCodable="true"', '');
    expect((await validate(qde, 'Project-mrt2019.xsd', 'project.qde')).valid).toBe(false);
  });
});

describe('an import is all or nothing', () => {
  it('a bad file in a batch stops the whole batch before anything is written', async () => {
    const files = [
      { name: 'good.txt', bytes: new TextEncoder().encode('Interviewer: hi\nP1: hello') },
      { name: 'broken.qdpx', bytes: new TextEncoder().encode('PK\u0003\u0004broken') },
    ];
    await expect(readImport(files, { limits: DEFAULT_LIMITS })).rejects.toThrow(
      /broken\.qdpx: not a readable ZIP archive/,
    );
  });

  it('a failure while writing removes the documents written so far', async () => {
    const { ctx, lead } = await dataDir();
    const codebookOnly = sampleBundle();
    codebookOnly.transcripts = [];
    codebookOnly.memos = codebookOnly.memos.filter((memo) => memo.about?.kind !== 'transcript');
    const project = await writeBundle(ctx, codebookOnly, { actorId: lead, project: { create: 'P' } });
    const before = await ctx.sync.withDoc(
      docName({ kind: 'codebook', project: project.projectId }),
      (doc) => readCodes(doc).length,
    );
    const memo = (id: string) =>
      ctx.sync.withDoc(docName({ kind: 'memo', project: project.projectId, memo: id }), (doc) =>
        memoText(doc).toString(),
      );
    const memosBefore = [await memo('project'), await memo(`code-${CODES.stigma}`)];
    expect(memosBefore[0]).toContain('Two coders per transcript.');
    const failingMetadata = Object.create(ctx.metadata, {
      transaction: { value: async () => Promise.reject(new Error('disk full')) },
    }) as AppContext['metadata'];
    const bundle = sampleBundle();
    bundle.codes.push({
      ...bundle.codes[0]!,
      guid: 'aaaaaaaa-0000-4000-8000-0000000000ff',
      name: 'New code',
      parentGuid: null,
    });
    await expect(
      writeBundle({ ...ctx, metadata: failingMetadata }, bundle, { actorId: lead, project: { id: project.projectId } }),
    ).rejects.toThrow(/disk full/);
    const text = await ctx.sync.withDoc(
      docName({ kind: 'text', project: project.projectId, transcript: bundle.transcripts[0]!.guid }),
      (doc) => transcriptText(doc).length,
    );
    expect(text).toBe(0);
    const after = await ctx.sync.withDoc(
      docName({ kind: 'codebook', project: project.projectId }),
      (doc) => codesMap(doc).size,
    );
    expect(after).toBe(before);
    expect((await metadataOf(ctx)).transcripts).toEqual([]);
    // The notes appended to memos that were there before are taken out again.
    expect([await memo('project'), await memo(`code-${CODES.stigma}`)]).toEqual(memosBefore);
  });
});

describe('accord import / accord export', () => {
  it('imports the fixture transcripts and an ATLAS.ti project, exports qdpx and csv, and refuses a locked directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-cli-io-'));
    const fixture = (p: string) => new URL(p, FIXTURES).pathname;
    const add = await runCli(
      ['user', 'add', '--email', 'lead@example.org', '--name', 'Lead', '--admin', '--password-stdin', '--data', dir],
      {
        stdin: 'a long password\n',
      },
    );
    expect(add.code).toBe(0);
    const imported = await runCli([
      'import',
      fixture('transcripts/pdpilot-user-study/P1.layout.txt'),
      fixture('transcripts/vtt/zoom_meeting001_transcript.vtt'),
      fixture('transcripts/qualcoder-examples/ID1.docx'),
      fixture('refi-qda/atlasti-23.2.3_codes-only.qdpx'),
      '--project',
      'Pilot',
      '--data',
      dir,
    ]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/3 transcript\(s\), 3 code\(s\), 2 user\(s\), 0 memo\(s\)/);

    const out = path.join(dir, 'out.qdpx');
    const exported = await runCli(['export', 'Pilot', '--format', 'qdpx', '--out', out, '--data', dir]);
    expect(exported.code).toBe(0);
    expect(Object.keys(unzipSync(fs.readFileSync(out)))).toHaveLength(4);
    const csv = await runCli(['export', 'Pilot', '--format', 'csv', '--out', path.join(dir, 'out.csv'), '--data', dir]);
    expect(csv.code).toBe(0);

    // The codebook document follows the project's language, as the web export does (docs/i18n.md).
    const offline = await openContext(resolveConfig({ dataDir: dir, logLevel: 'silent' }, {}), 'test');
    await editMetadata(offline.ctx, (data) => {
      data.projects[0]!.settings.language = 'de';
    });
    await offline.close();
    const html = path.join(dir, 'codebook.html');
    const codebook = await runCli(['export', 'Pilot', '--format', 'codebook-html', '--out', html, '--data', dir]);
    expect(codebook.code).toBe(0);
    expect(fs.readFileSync(html, 'utf8')).toContain('Codebuch: Pilot');

    const bad = await runCli(['import', fixture('refi-qda/Project-mrt2019.xsd'), '--project', 'Pilot', '--data', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Project-mrt2019\.xsd: Accord does not import "\.xsd" files/);

    fs.writeFileSync(
      path.join(dir, 'accord.lock'),
      JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'accord serve', since: 'now' }),
    );
    const locked = await runCli([
      'export',
      'Pilot',
      '--format',
      'qdc',
      '--out',
      path.join(dir, 'x.qdc'),
      '--data',
      dir,
    ]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/in use by "accord serve"/);
  });
});
