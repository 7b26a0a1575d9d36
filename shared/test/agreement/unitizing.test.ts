import { readFileSync } from 'node:fs';
import { computeAgreement, type SpansReport } from '@accord/shared/agreement/index';
import { describe, expect, it } from 'vitest';
import { binaryUAlpha, uAlphaFamily, type ValuedUnitization } from '../../src/agreement/unitizing.js';
import { randomProject } from './naive.js';

/** pygamma-agreement's test data (MIT, see test/fixtures/agreement/pygamma-agreement): annotator,category,start,end. */
function pygamma(name: string) {
  const url = new URL(`../../../test/fixtures/agreement/pygamma-agreement/${name}`, import.meta.url);
  return readFileSync(url, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [annotator, category, start, end] = line.split(',');
      return { annotator: annotator!, category: category!, start: Number(start), end: Number(end) };
    });
}

function fuse(rows: ReturnType<typeof pygamma>) {
  const fused: ReturnType<typeof pygamma> = [];
  for (const row of [...rows].sort((a, b) => a.annotator.localeCompare(b.annotator) || a.start - b.start)) {
    const last = fused.findLast((r) => r.annotator === row.annotator && r.category === row.category);
    if (last && last.end >= row.start) last.end = Math.max(last.end, row.end);
    else fused.push({ ...row });
  }
  return fused;
}

function observersOf(
  rows: ReturnType<typeof pygamma>,
  annotators: string[],
  categories: string[],
): ValuedUnitization[] {
  return annotators.map((annotator) => {
    const own = rows.filter((r) => r.annotator === annotator).sort((a, b) => a.start - b.start);
    return {
      starts: Float64Array.from(own, (r) => r.start),
      ends: Float64Array.from(own, (r) => r.end),
      values: Int32Array.from(own, (r) => categories.indexOf(r.category) + 1),
    };
  });
}

describe('unitizing alpha on real three-annotator data (pygamma-agreement)', () => {
  const rows = pygamma('AlexPaulSuzan.csv');
  const annotators = [...new Set(rows.map((r) => r.annotator))];
  const categories = [...new Set(rows.map((r) => r.category))].sort();
  const length = Math.max(...rows.map((r) => r.end));

  it('is symmetric in annotators', () => {
    const forward = uAlphaFamily(observersOf(rows, annotators, categories), length, categories.length);
    const backward = uAlphaFamily(observersOf(rows, [...annotators].reverse(), categories), length, categories.length);
    for (const key of ['u_alpha', 'binary_u_alpha', 'cu_alpha'] as const) {
      expect(backward[key].value).toBeCloseTo(forward[key].value!, 12);
      expect(forward[key].value!).toBeLessThanOrEqual(1);
    }
  });

  it('the span engine reports the same family when each category is a code', () => {
    const codings = rows.map((r) => ({
      document: 'd',
      coder: r.annotator,
      code: r.category,
      start: r.start,
      end: r.end,
    }));
    const report = computeAgreement({ kind: 'spans', documents: [{ id: 'd', length }], codings }) as SpansReport;
    // the engine fuses a coder's touching codings of one code (Alex's and Suzan's "6" segments) into one stretch
    const merged = fuse(rows);
    expect(merged.filter((r) => r.category === '6').map((r) => [r.annotator, r.start, r.end])).toEqual([
      ['Alex', 32, 44],
      ['Paul', 32, 44],
      ['Suzan', 32, 44],
    ]);
    const sorted = [...annotators].sort();
    const family = uAlphaFamily(observersOf(merged, sorted, categories), length, categories.length);
    expect(report.unitizing!.u_alpha.value).toBeCloseTo(family.u_alpha.value!, 12);
    expect(report.unitizing!.cu_alpha.value).toBeCloseTo(family.cu_alpha.value!, 12);
  });

  it('handles the 3by100 data set (many categories, some overlapping per annotator)', () => {
    const big = pygamma('3by100.csv');
    const codings = big.map((r) => ({
      document: 'd',
      coder: r.annotator,
      code: r.category,
      start: r.start,
      end: r.end,
    }));
    const size = Math.max(...big.map((r) => r.end));
    const report = computeAgreement({ kind: 'spans', documents: [{ id: 'd', length: size }], codings }) as SpansReport;
    for (const code of report.codes) {
      const { binary_u_alpha, u_alpha } = code.unitizing!;
      for (const c of [binary_u_alpha, u_alpha]) {
        if (c.value === null) expect(c.reason).toBeTruthy();
        else expect(c.value).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('binary |u-alpha fast path', () => {
  it.each(Array.from({ length: 30 }, (_, i) => i + 1))('equals the partition-based family (%i)', (seed) => {
    const project = randomProject(seed, { documents: 1 });
    const length = project.documents[0]!.length;
    if (length === 0) return;
    const raters = project.coders.map((coder) => {
      const marks = new Uint8Array(length);
      for (const c of project.codings) if (c.coder === coder && c.code === 'code0') marks.fill(1, c.start, c.end);
      const starts: number[] = [];
      const ends: number[] = [];
      marks.forEach((m, i) => {
        if (!m) return;
        if (ends.length && ends[ends.length - 1] === i) ends[ends.length - 1] = i + 1;
        else {
          starts.push(i);
          ends.push(i + 1);
        }
      });
      return { starts: Float64Array.from(starts), ends: Float64Array.from(ends) };
    });
    const family = uAlphaFamily(
      raters.map((r) => ({ ...r, values: new Int32Array(r.starts.length).fill(1) })),
      length,
      1,
    );
    const fast = binaryUAlpha(raters, length);
    if (family.binary_u_alpha.value === null) expect(fast.value).toBeNull();
    else expect(fast.value).toBeCloseTo(family.binary_u_alpha.value, 10);
  });
});
