import { seededRandom } from '@accord/shared';

// A synthetic round: 40 transcripts of ~30,000 characters, 4 coders on every transcript, 8,000 codings over
// 20 codes, with the overlap real double-coding has (coders mostly code the same passages, boundaries jitter).
export function syntheticRound({
  transcripts = 40,
  coders = 4,
  codings = 8000,
  codes = 20,
  length = 30_000,
  seed = 7,
} = {}) {
  const random = seededRandom(seed);
  const coderIds = Array.from({ length: coders }, (_, i) => `coder${i + 1}`);
  const codeIds = Array.from({ length: codes }, (_, i) => `code${String(i + 1).padStart(2, '0')}`);
  const documents = Array.from({ length: transcripts }, (_, i) => ({
    id: `t${String(i + 1).padStart(2, '0')}`,
    length,
  }));
  const layers = new Map();
  for (const d of documents) for (const c of coderIds) layers.set(`${d.id}/${c}`, []);
  const perPassage = coders;
  const passages = Math.ceil(codings / perPassage);
  let made = 0;
  for (let p = 0; p < passages && made < codings; p++) {
    const document = documents[Math.floor(random() * documents.length)];
    const code = codeIds[Math.floor(random() * codeIds.length)];
    const start = Math.floor(random() * (length - 400));
    const size = 40 + Math.floor(random() * 300);
    for (const coder of coderIds) {
      if (made >= codings) break;
      const roll = random();
      // 70% the same passage with jittered boundaries, 15% another code, 15% a passage elsewhere.
      const jitter = () => Math.floor((random() - 0.5) * 30);
      const s = roll < 0.85 ? Math.max(0, start + jitter()) : Math.floor(random() * (length - 400));
      const e = Math.min(length, Math.max(s + 1, s + size + jitter()));
      const k = roll < 0.7 || roll >= 0.85 ? code : codeIds[Math.floor(random() * codeIds.length)];
      layers.get(`${document.id}/${coder}`).push({ code: k, start: s, end: e });
      made++;
    }
  }
  return { documents, coderIds, codeIds, layers };
}

/** The `spans` input (docs/agreement.md, "The input") of the synthetic round. */
export function spansInput(round) {
  const codings = [];
  for (const [key, list] of round.layers) {
    const [document, coder] = key.split('/');
    for (const c of list) codings.push({ document, coder, ...c });
  }
  const assignments = Object.fromEntries(round.documents.map((d) => [d.id, round.coderIds]));
  return {
    kind: 'spans',
    documents: round.documents,
    codings,
    unit: 'character',
    coders: round.coderIds,
    assignments,
    by_document: true,
  };
}
