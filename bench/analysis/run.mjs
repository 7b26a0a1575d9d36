/**
 * Analysis benchmark: `pnpm bench analysis` (after `npx tsc -b`, which builds shared/dist).
 * A project of 100 transcripts (~40,000 characters each), 40 codes and 20,000 codings, some of them nested
 * inside others and many overlapping, measured as
 *   - co-occurrence of the 40 codes over all codings (the figure with the 300 ms target),
 *   - the same after resolving every coding from its Yjs anchors (what the server does per request),
 *   - the frequency tables by transcript and by speaker, for scale.
 * Options: --runs N (default 7).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sharedDist = join(root, 'shared/dist/index.js');
if (!existsSync(sharedDist)) {
  console.error(`missing ${sharedDist}: run "npx tsc -b" first`);
  process.exit(1);
}
const shared = await import(pathToFileURL(sharedDist).href);
// The very Yjs module shared/dist imports (its ESM build): a second instance would break Yjs' type checks.
const yjsMain = createRequire(join(root, 'shared/package.json')).resolve('yjs');
const Y = await import(pathToFileURL(join(dirname(yjsMain), 'yjs.mjs')).href);

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 7;
const TARGET_MS = 300;
const SIZE = { transcripts: 100, length: 40_000, codes: 40, codings: 20_000, turnLength: 400 };

/** Codings: 70% free passages of 30-1,500 characters, 30% nested inside an earlier coding of the same transcript. */
function generate(seed = 20260601) {
  const random = shared.seededRandom(seed);
  const int = (n) => Math.floor(random() * n);
  const codes = Array.from({ length: SIZE.codes }, (_, k) => `code${String(k + 1).padStart(2, '0')}`);
  const perTranscript = SIZE.codings / SIZE.transcripts;
  const transcripts = [];
  const codings = [];
  for (let t = 0; t < SIZE.transcripts; t++) {
    const id = `t${t + 1}`;
    transcripts.push(id);
    const own = [];
    for (let c = 0; c < perTranscript; c++) {
      let start;
      let end;
      if (own.length > 0 && random() < 0.3) {
        const outer = own[int(own.length)];
        start = outer.start + int(Math.max(1, outer.end - outer.start - 10));
        end = Math.min(outer.end, start + 10 + int(200));
      } else {
        start = int(SIZE.length - 1600);
        end = start + 30 + int(1470);
      }
      const coding = {
        id: `${id}-${c}`,
        transcript: id,
        layer: 'consensus',
        code: codes[int(codes.length)],
        start,
        end,
      };
      own.push(coding);
      codings.push(coding);
    }
  }
  return { codes, transcripts, codings };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
function time(fn) {
  fn(); // warm-up: JIT and caches
  const samples = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    result = fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { median: median(samples), best: Math.min(...samples), result };
}

const data = generate();
const pure = time(() => shared.cooccurrence(data.codings, data.codes));
let pairs = 0;
for (let i = 0; i < data.codes.length; i++)
  for (let j = i + 1; j < data.codes.length; j++) pairs += pure.result.counts[i * data.codes.length + j];

// The same codings stored as a server holds them: text docs with turns, one layer doc per transcript.
const words = 'she said that the clinic was far and the fees were high but her sister helped every week'.split(' ');
const random = shared.seededRandom(7);
const docs = data.transcripts.map((id) => {
  let text = '';
  while (text.length < SIZE.length) text += `${words[Math.floor(random() * words.length)]} `;
  text = text.slice(0, SIZE.length);
  const textDoc = new Y.Doc();
  const turns = [];
  for (let at = 0, n = 0; at < SIZE.length; at += SIZE.turnLength, n++)
    turns.push({ start: at, speaker: n % 2 ? 'P' : 'I' });
  shared.initTranscript(textDoc, text, turns);
  const layerDoc = new Y.Doc();
  layerDoc.transact(() => {
    for (const coding of data.codings)
      if (coding.transcript === id) shared.addCoding(layerDoc, textDoc, coding, coding.id);
  });
  return { id, textDoc, layerDoc };
});
const fromDocs = time(() => {
  const codings = [];
  for (const { id, textDoc, layerDoc } of docs) {
    for (const coding of shared.readCodings(layerDoc, textDoc))
      codings.push({ ...coding, transcript: id, layer: 'consensus' });
  }
  return shared.cooccurrence(codings, data.codes);
});
const sameCounts = fromDocs.result.counts.every((count, i) => count === pure.result.counts[i]);
const turns = new Map(docs.map(({ id, textDoc }) => [id, shared.readTurns(textDoc)]));
const byTranscript = time(() => shared.frequencyByTranscript(data.codings, data.codes, data.transcripts));
const bySpeaker = time(() => shared.frequencyBySpeaker(data.codings, data.codes, turns));

const line = (name, t) =>
  `${name.padEnd(44)} median ${t.median.toFixed(1).padStart(7)} ms   best ${t.best.toFixed(1).padStart(7)} ms`;
console.log(
  `Analysis benchmark: ${SIZE.codes} codes, ${SIZE.transcripts} transcripts x ${SIZE.length} characters, ` +
    `${data.codings.length} codings (30% nested), ${runs} runs after a warm-up`,
);
console.log(`${pairs} overlapping pairs of different codes`);
console.log(line('co-occurrence (resolved codings)', pure));
console.log(line('co-occurrence incl. resolving Yjs anchors', fromDocs));
console.log(line('frequency by transcript', byTranscript));
console.log(line('frequency by speaker (turns every 400 chars)', bySpeaker));
if (!sameCounts) {
  console.error('the counts from Yjs anchors differ from the counts of the generated codings');
  process.exit(1);
}
const verdict = pure.median < TARGET_MS ? 'within' : 'OVER';
console.log(
  `co-occurrence: ${pure.median.toFixed(1)} ms vs target ${TARGET_MS} ms: ${verdict} target ` +
    `(${fromDocs.median.toFixed(1)} ms including anchor resolution)`,
);
process.exit(pure.median < TARGET_MS ? 0 : 1);
