#!/usr/bin/env node
// Import/export speed (issue 6): 50 interview transcripts of ~60,000 characters as .docx imported in one batch
// (target < 10 s in total), then a .qdpx export of that project with 4 coders x 10,000 codings (target < 5 s).
// Then small exports (one short transcript): through the real HTTP server and as `accord export`, each < 1 s.
// Last, media.mjs: a 1 GB recording upload with flat server memory and other users' sync latency unchanged.
// Runs on the built server (`npx tsc -b` first). Usage: pnpm bench import-export [--transcripts N] [--codings N]
// [--only media] [--media-megabytes N] (--only media runs just the upload case).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const server = new URL('../../server/', import.meta.url);
const { values } = parseArgs({
  options: {
    transcripts: { type: 'string' },
    codings: { type: 'string' },
    only: { type: 'string' },
    'media-megabytes': { type: 'string' },
  },
});
/** The 1 GB upload case, in its own process (it starts `accord serve` and measures that process). */
function runMedia() {
  const args = values['media-megabytes'] === undefined ? [] : ['--megabytes', values['media-megabytes']];
  const media = spawnSync(process.execPath, [new URL('media.mjs', import.meta.url).pathname, ...args], {
    stdio: 'inherit',
  });
  if (media.status !== 0) process.exitCode = 1;
}
if (values.only === 'media') {
  runMedia();
  process.exit();
}
const TRANSCRIPTS = Number(values.transcripts ?? 50);
const CODINGS_PER_CODER = Number(values.codings ?? 10_000);
const CHARACTERS = 60_000;
const CODERS = 4;

const load = (module) => import(new URL(`dist/${module}`, server).href);
const requireFromServer = createRequire(new URL('package.json', server));
const { unzipSync, zipSync, strToU8, strFromU8 } = await import(requireFromServer.resolve('fflate'));
const { openContext, startServer } = await load('app.js');
const { resolveConfig } = await load('config.js');
const { createUser } = await load('accounts/users.js');
const { readImport } = await load('import/index.js');
const { DEFAULT_LIMITS } = await load('import/limits.js');
const { readBundle, writeBundle } = await load('projects/bundleIo.js');
const { writeQdpx } = await load('export/refiQda.js');

/** A deterministic pseudo-random interview: alternating turns of plausible words, about `length` characters. */
function interview(seed, length) {
  const words =
    'the I think we that it was really because data model plot feature people kind of you know like so and when'.split(
      ' ',
    );
  let state = seed * 7919 + 1;
  const next = (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const paragraphs = [];
  let total = 0;
  for (let turn = 0; total < length; turn++) {
    const count = 20 + next(80);
    const sentence = Array.from({ length: count }, () => words[next(words.length)]).join(' ');
    const paragraph = `${turn % 2 === 0 ? 'Interviewer' : `P${seed}`}: ${sentence[0].toUpperCase()}${sentence.slice(1)}.`;
    paragraphs.push(paragraph);
    total += paragraph.length + 2;
  }
  return paragraphs;
}

/** A real Word document: the QualCoder fixture with its body replaced by the interview's paragraphs. */
function docx(template, paragraphs) {
  const entries = unzipSync(template);
  const document = strFromU8(entries['word/document.xml']);
  const body = paragraphs
    .map(
      (text) =>
        `<w:p><w:r><w:t xml:space="preserve">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</w:t></w:r></w:p>`,
    )
    .join('');
  entries['word/document.xml'] = strToU8(document.replace(/<w:body>[\s\S]*<w:sectPr/, `<w:body>${body}<w:sectPr`));
  return zipSync(entries);
}

const template = new Uint8Array(
  fs.readFileSync(new URL('../../test/fixtures/transcripts/qualcoder-examples/ID1.docx', import.meta.url)),
);
const files = Array.from({ length: TRANSCRIPTS }, (_, i) => ({
  name: `P${i + 1}.docx`,
  bytes: docx(template, interview(i + 1, CHARACTERS)),
}));
const megabytes = files.reduce((sum, file) => sum + file.bytes.byteLength, 0) / 1024 / 1024;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-io-'));
const opened = await openContext(resolveConfig({ dataDir, logLevel: 'silent' }, {}), 'bench');
const { ctx } = opened;
try {
  const lead = await createUser(ctx.metadata, {
    email: 'lead@example.org',
    name: 'Lead',
    password: 'a long password',
    admin: true,
  });

  let started = performance.now();
  const { bundle } = await readImport(files, { limits: DEFAULT_LIMITS });
  const read = performance.now() - started;
  const imported = await writeBundle(ctx, bundle, { actorId: lead.id, project: { create: 'Bench' } });
  const importSeconds = (performance.now() - started) / 1000;
  const characters = bundle.transcripts.reduce((sum, t) => sum + t.text.length, 0);
  const turns = bundle.transcripts.reduce((sum, t) => sum + t.turns.length, 0);

  // The coders: 4 x N codings spread over the transcripts, written straight into the project.
  const codes = Array.from({ length: 30 }, (_, i) => ({
    guid: `c0de0000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `Code ${i + 1}`,
    parentGuid: i < 5 ? null : `c0de0000-0000-4000-8000-${String(i % 5).padStart(12, '0')}`,
    colour: null,
    definition: `Definition of code ${i + 1}`,
    inclusion: '',
    exclusion: '',
    examples: '',
  }));
  const users = Array.from({ length: CODERS }, (_, i) => ({
    guid: `0000c0de-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `Coder ${i + 1}`,
  }));
  const coded = await readBundle(ctx, imported.projectId);
  const perTranscript = Math.ceil(CODINGS_PER_CODER / coded.transcripts.length);
  let serial = 0;
  const codingBundle = {
    ...coded,
    users,
    codes,
    transcripts: coded.transcripts.map((transcript, t) => ({
      ...transcript,
      guid: `7a000000-0000-4000-8000-${String(t).padStart(12, '0')}`,
      layers: users.map((user, u) => ({
        userGuid: user.guid,
        codings: Array.from({ length: Math.min(perTranscript, CODINGS_PER_CODER - t * perTranscript) }, (_, k) => {
          const start = Math.floor(((k + u * 0.1) / perTranscript) * (transcript.text.length - 400));
          serial += 1;
          return {
            guid: `c0d10000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
            codeGuid: codes[(k * 7 + u) % codes.length].guid,
            start,
            end: start + 40 + ((k * 13) % 300),
            createdAt: 1_700_000_000_000 + serial,
            ...(k % 10 === 0 ? { memo: `memo ${serial}` } : {}),
          };
        }).filter((coding) => coding.end > coding.start),
      })),
    })),
  };
  started = performance.now();
  const codingProject = await writeBundle(ctx, codingBundle, { actorId: lead.id, project: { create: 'Bench coded' } });
  const writeCodingsSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const exportedBundle = await readBundle(ctx, codingProject.projectId);
  const readSeconds = (performance.now() - started) / 1000;
  const qdpx = writeQdpx(exportedBundle);
  const exportSeconds = (performance.now() - started) / 1000;
  const codings = exportedBundle.transcripts.reduce(
    (sum, t) => sum + t.layers.reduce((s, l) => s + l.codings.length, 0),
    0,
  );

  const line = (label, value, target) => `${label.padEnd(64)}${value}${target ? `   (target ${target})` : ''}`;
  console.log(`import/export benchmark, node ${process.version}, ${os.cpus().length} cores`);
  console.log(
    line(
      `import ${TRANSCRIPTS} docx (${megabytes.toFixed(1)} MiB, ${characters} chars, ${turns} turns)`,
      `${importSeconds.toFixed(2)} s (read ${(read / 1000).toFixed(2)} s)`,
      '< 10 s',
    ),
  );
  console.log(
    line(`write ${CODERS} coders x ${CODINGS_PER_CODER} codings into a project`, `${writeCodingsSeconds.toFixed(2)} s`),
  );
  console.log(
    line(
      `qdpx export, ${codings} codings (${(qdpx.byteLength / 1024 / 1024).toFixed(1)} MiB)`,
      `${exportSeconds.toFixed(2)} s (project read ${readSeconds.toFixed(2)} s)`,
      '< 5 s',
    ),
  );
  process.exitCode = importSeconds < 10 && exportSeconds < 5 ? 0 : 1;
} finally {
  await opened.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/**
 * Small exports: what a researcher waits for when downloading a codebook. The server's time is the HTTP round trip
 * (median of 5, after one warm-up); `accord export` is the whole process, start to exit, which is where the ~2 s
 * of issue 23 went: loading ExcelJS at start, whatever the format (now loaded only for xlsx).
 */
const SMALL_FORMATS = ['qdpx', 'qdc', 'codebook-csv', 'codebook-md'];
const smallDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-small-'));
try {
  const small = await openContext(resolveConfig({ dataDir: smallDir, logLevel: 'silent' }, {}), 'bench');
  let projectId;
  try {
    await createUser(small.ctx.metadata, {
      email: 'lead@example.org',
      name: 'Lead',
      password: 'a long password',
      admin: true,
    });
    const lead = (await small.ctx.metadata.snapshot()).users[0];
    const { bundle } = await readImport([{ name: 'P1.docx', bytes: docx(template, interview(1, 3000)) }], {
      limits: DEFAULT_LIMITS,
    });
    bundle.codes = Array.from({ length: 8 }, (_, i) => ({
      guid: `5a11c0de-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `Code ${i + 1}`,
      parentGuid: null,
      colour: null,
      definition: `Definition of code ${i + 1}`,
      inclusion: '',
      exclusion: '',
      examples: '',
    }));
    ({ projectId } = await writeBundle(small.ctx, bundle, { actorId: lead.id, project: { create: 'Small' } }));
  } finally {
    await small.close();
  }

  const cli = new URL('../../server/bin/accord.js', import.meta.url).pathname;
  const cliSeconds = {};
  for (const format of SMALL_FORMATS) {
    const started = performance.now();
    execFileSync(
      process.execPath,
      [
        cli,
        'export',
        projectId,
        '--format',
        format,
        '--out',
        path.join(smallDir, `small.${format}`),
        '--data',
        smallDir,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    cliSeconds[format] = (performance.now() - started) / 1000;
  }

  const running = await startServer(
    resolveConfig({ dataDir: smallDir, logLevel: 'silent', host: '127.0.0.1', port: '0' }, {}),
  );
  const httpSeconds = {};
  try {
    const login = await fetch(`${running.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: running.url },
      body: JSON.stringify({ email: 'lead@example.org', password: 'a long password' }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    for (const format of SMALL_FORMATS) {
      const times = [];
      for (let i = 0; i < 6; i++) {
        const started = performance.now();
        const response = await fetch(`${running.url}/api/projects/${projectId}/export?format=${format}`, {
          headers: { cookie },
        });
        if (!response.ok) throw new Error(`export ${format}: ${response.status}`);
        await response.arrayBuffer();
        if (i > 0) times.push((performance.now() - started) / 1000);
      }
      httpSeconds[format] = times.sort((a, b) => a - b)[2];
    }
  } finally {
    await running.close();
  }
  const line = (label, value, target) => `${label.padEnd(64)}${value}${target ? `   (target ${target})` : ''}`;
  for (const format of SMALL_FORMATS) {
    console.log(line(`small ${format} export over HTTP (median)`, `${httpSeconds[format].toFixed(3)} s`, '< 1 s'));
    console.log(
      line(`small ${format} export with accord export (whole process)`, `${cliSeconds[format].toFixed(2)} s`, '< 1 s'),
    );
  }
  const slowest = Math.max(...Object.values(httpSeconds), ...Object.values(cliSeconds));
  if (slowest >= 1) process.exitCode = 1;
} finally {
  fs.rmSync(smallDir, { recursive: true, force: true });
}

runMedia();
