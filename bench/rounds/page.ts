// Runs in Chromium: the dashboard's live recomputation (client/src/rounds/dashboardModel.ts, exactly what the page
// runs) on a 40-transcript round, 4 coders on each, 8,000 codings in real Yjs documents, after single changes.
import {
  addCoding,
  DEFAULT_THRESHOLDS,
  initTranscript,
  seededRandom,
  transcriptText,
  type UnitKind,
} from '@accord/shared';
import * as Y from 'yjs';
import { type LiveAssignment, LiveRound } from '../../client/src/rounds/dashboardModel.js';
import { syntheticRound } from './generate.mjs';

const WORDS = ['care', 'clinic', 'waiting', 'nurse', 'trust', 'family', 'alone', 'week', 'bus', 'rain', 'talk', 'help'];

function transcript(length: number, random: () => number): string {
  let text = '';
  let sentence = 0;
  while (text.length < length) {
    text += WORDS[Math.floor(random() * WORDS.length)];
    sentence++;
    if (sentence > 8 && random() < 0.2) {
      text += random() < 0.3 ? '.\n' : '. ';
      sentence = 0;
    } else text += ' ';
  }
  return text.slice(0, length);
}

interface Timing {
  change: string;
  unit: UnitKind;
  ms: number[];
}

async function main() {
  const round = syntheticRound();
  const random = seededRandom(11);
  const assignments: LiveAssignment[] = [];
  for (const document of round.documents) {
    const textDoc = new Y.Doc();
    initTranscript(textDoc, transcript(document.length, random), []);
    const layers = round.coderIds.map((coder) => {
      const doc = new Y.Doc();
      for (const coding of round.layers.get(`${document.id}/${coder}`)) addCoding(doc, textDoc, coding);
      return { coder, name: `${document.id}/${coder}`, doc };
    });
    assignments.push({
      transcriptId: document.id,
      textName: `${document.id}/text`,
      textDoc,
      coders: round.coderIds,
      layers,
    });
  }
  const live = new LiveRound(assignments);
  const first = performance.now();
  const initial = live.recompute('character', 0, DEFAULT_THRESHOLDS);
  const firstMs = performance.now() - first;
  const codings = initial.input.codings.length;

  const timings: Timing[] = [];
  const measure = (change: string, unit: UnitKind, apply: (i: number) => string) => {
    const ms: number[] = [];
    live.recompute(unit, 0, DEFAULT_THRESHOLDS);
    for (let i = 0; i < 25; i++) {
      live.markDirty(apply(i));
      const started = performance.now();
      live.recompute(unit, 0, DEFAULT_THRESHOLDS);
      ms.push(performance.now() - started);
    }
    timings.push({ change, unit, ms });
  };
  const anyLayer = () => {
    const a = assignments[Math.floor(random() * assignments.length)]!;
    return { a, layer: a.layers[Math.floor(random() * a.layers.length)]! };
  };
  const addOne = () => {
    const { a, layer } = anyLayer();
    const start = Math.floor(random() * 29_000);
    addCoding(layer.doc, a.textDoc, { code: round.codeIds[0], start, end: start + 120 });
    return layer.name;
  };
  measure('one coding added', 'character', addOne);
  measure('one coding added', 'sentence', addOne);
  measure('transcript text corrected', 'character', () => {
    const a = assignments[Math.floor(random() * assignments.length)]!;
    transcriptText(a.textDoc).insert(100, 'x');
    return a.textName;
  });
  return { codings, transcripts: assignments.length, coders: round.coderIds.length, firstMs, timings };
}

main().then(
  (result) => {
    (window as unknown as { __bench: unknown }).__bench = result;
    document.getElementById('out')!.textContent = JSON.stringify(result, null, 2);
  },
  (error) => {
    (window as unknown as { __bench: unknown }).__bench = { error: String(error?.stack ?? error) };
  },
);
