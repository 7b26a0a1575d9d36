import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeAgreement, sentenceSegments } from '@accord/shared/agreement/index';
import { sentences } from '@accord/shared/text/index';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'server/dist/cli/main.js');
const work = mkdtempSync(join(tmpdir(), 'accord-agreement-'));

function accord(args: string[], stdin?: string) {
  const result = spawnSync(process.execPath, [cli, 'agreement', ...args], {
    input: stdin ?? '',
    encoding: 'utf8',
    cwd: root,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, content: unknown): string {
  const path = join(work, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const TABLE = {
  kind: 'table',
  table: [
    [20, 10],
    [20, 50],
  ],
  categories: ['STAT', 'IReq'],
};
const SPANS = {
  kind: 'spans',
  documents: [
    { id: 't1', length: 1000 },
    { id: 't2', length: 500 },
  ],
  codings: [
    { document: 't1', coder: 'ana', code: 'isolation', start: 0, end: 100 },
    { document: 't1', coder: 'ben', code: 'isolation', start: 50, end: 150 },
    { document: 't1', coder: 'cat', code: 'isolation', start: 40, end: 120 },
    { document: 't2', coder: 'ana', code: 'hope, "quoted"', start: 10, end: 60 },
    { document: 't2', coder: 'ben', code: 'hope, "quoted"', start: 20, end: 60 },
  ],
};

describe('accord agreement (the real CLI)', () => {
  it('reads a file and prints the JSON report', () => {
    const { status, stdout, stderr } = accord([file('table.json', TABLE)]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.n_units).toBe(100);
    expect(report.cohen_kappa.value).toBeCloseTo(0.348, 3);
    expect(report.cohen_kappa.interpretation).toBe('fair');
    expect(report.scott_pi.value).toBeCloseTo(0.341, 3);
    expect(report.krippendorff_alpha.interval).toEqual({
      value: null,
      reason: 'interval alpha needs numeric categories',
    });
  });

  it('reads standard input when FILE is "-" or absent', () => {
    const viaDash = accord(['-'], JSON.stringify(TABLE));
    const viaNothing = accord([], JSON.stringify(TABLE));
    expect(viaDash.status).toBe(0);
    expect(viaNothing.stdout).toBe(viaDash.stdout);
    expect(viaDash.stdout).toBe(accord([file('same.json', TABLE)]).stdout);
  });

  it('computes span agreement with the contract keys', () => {
    const { status, stdout } = accord([file('spans.json', SPANS)]);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.unit).toBe('character');
    const isolation = report.codes.find((c: { code: string }) => c.code === 'isolation');
    const pair = isolation.pairs.find((p: { coders: string[] }) => p.coders.join() === 'ana,ben');
    expect(pair.pooled.table).toEqual({ both: 50, a_only: 50, b_only: 50, neither: 1350 });
    expect(Object.keys(pair.pooled)).toEqual(
      expect.arrayContaining([
        'table',
        'percent_agreement',
        'cohen_kappa',
        'scott_pi',
        'pabak',
        'gwet_ac1',
        'krippendorff_alpha',
      ]),
    );
    expect(pair.by_document.map((d: { document: string }) => d.document)).toEqual(['t1', 't2']);
    expect(pair.weighted_mean.cohen_kappa).toBeDefined();
    expect(isolation.all_coders.fleiss_kappa.value).toEqual(expect.any(Number));
    expect(isolation.unitizing.u_alpha.value).toEqual(expect.any(Number));
    const compact = JSON.parse(accord([file('compact.json', { ...SPANS, by_document: false })]).stdout);
    expect(compact.codes[0].pairs[0].by_document).toBeUndefined();
  });

  it('prints CSV, one row per code x coder pair, quoting where needed', () => {
    const { status, stdout } = accord(['--format', 'csv', file('spans.csv.json', SPANS)]);
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^code,coder_a,coder_b,documents,both,a_only,b_only,neither,percent_agreement,cohen_kappa,/,
    );
    expect(lines).toHaveLength(1 + 2 * 3);
    expect(lines.some((line) => line.startsWith('"hope, ""quoted""",ana,ben,'))).toBe(true);
    expect(lines.find((line) => line.startsWith('isolation,ana,ben,'))).toMatch(/^isolation,ana,ben,2,50,50,50,1350,/);
  });

  it.each([
    ['invalid JSON', '{"kind": "table",', /not valid JSON/],
    ['an unknown kind', { kind: 'votes' }, /"kind" must be "ratings", "table" or "spans"/],
    ['a ragged ratings row', { kind: 'ratings', data: [[1, 2], [1]] }, /data\[1\] has 1 ratings/],
    [
      'a coding past the document end',
      { ...SPANS, codings: [{ ...SPANS.codings[0], end: 5000 }] },
      /codings\[0\]\.end/,
    ],
    [
      'an unknown document',
      { ...SPANS, codings: [{ ...SPANS.codings[0], document: 'zz' }] },
      /"zz" is not in "documents"/,
    ],
    ['a non-square table', { kind: 'table', table: [[1, 2], [3]] }, /square/],
  ])('exits 2 with a one-line message on %s', (_name, content, message) => {
    const { status, stdout, stderr } = accord([file('bad.json', content)]);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 2 on an unreadable file or a bad option, 0 on --help', () => {
    expect(accord([join(work, 'missing.json')]).status).toBe(2);
    const badFormat = accord(['--format', 'xml', file('ok.json', TABLE)]);
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).toMatch(/--format must be json or csv/);
    const help = accord(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: accord agreement/);
  });

  it('prints full-precision numbers', () => {
    const report = JSON.parse(accord([], JSON.stringify(TABLE)).stdout);
    expect(report.cohen_kappa.value).toBe(0.3478260869565216);
  });

  describe('on input much bigger than one read chunk (64 KiB)', () => {
    const many = {
      kind: 'spans',
      documents: Array.from({ length: 40 }, (_, d) => ({ id: `t${d}`, length: 5000 })),
      codings: Array.from({ length: 6000 }, (_, i) => {
        const start = (i * 37) % 4000;
        return { document: `t${i % 40}`, coder: `c${i % 3}`, code: `k${i % 7}`, start, end: start + 50 + (i % 300) };
      }),
    };

    it('gives the same report as the engine on the parsed text, from a file and from standard input', () => {
      const text = JSON.stringify(many);
      expect(text.length).toBeGreaterThan(4 * 64 * 1024);
      const expected = JSON.stringify(computeAgreement(JSON.parse(text)));
      expect(accord([file('many.json', text)]).stdout).toBe(`${expected}\n`);
      expect(accord([], text).stdout).toBe(`${expected}\n`);
    });

    it.each([
      ['at the start', (rest: string) => `{"__proto__":{"pad":"${'x'.repeat(200_000)}"},${rest.slice(1)}`],
      ['at the end', (rest: string) => `${rest.slice(0, -1)},"__proto__":{"kind":"table"}}`],
    ])('refuses a "__proto__" key %s, as for small input', (_where, inject) => {
      const { status, stderr } = accord([file('proto.json', inject(JSON.stringify(many)))]);
      expect(status).toBe(2);
      expect(stderr).toMatch(/unknown field "__proto__"/);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  });

  describe('units cut from text, by segmentation version', () => {
    const text = '我们都说没事。没有人受伤！所以我以为我们是无敌的？是的。';
    const input = {
      kind: 'spans',
      documents: [{ id: 't1', text, language: 'zh' }],
      codings: [
        { document: 't1', coder: 'ana', code: 'x', start: 0, end: 7 },
        { document: 't1', coder: 'ben', code: 'x', start: 0, end: 13 },
      ],
      unit: 'sentence',
    };
    /** The plain contract's input with the given segments: what the named unit must be equivalent to. */
    const explicit = (segments: [number, number][]) => ({
      kind: 'spans',
      documents: [{ id: 't1', length: text.length }],
      codings: input.codings,
      unit: { segments: { t1: segments } },
    });
    const run = (args: string[], body: unknown = input) => {
      const { status, stdout, stderr } = accord([...args, file('text-units.json', body)]);
      return { status, stderr, report: status === 0 ? JSON.parse(stdout) : null };
    };

    it('cuts Unicode sentences by default (version 2) and says so', () => {
      const { status, report } = run([]);
      expect(status).toBe(0);
      const units = sentences(text, { version: 2, language: 'zh' });
      expect(units).toHaveLength(4);
      const { segmentation, ...rest } = report;
      expect(segmentation).toMatchObject({ version: 2, method: expect.stringMatching(/UAX #29/) });
      expect(rest).toEqual(JSON.parse(JSON.stringify(computeAgreement(explicit(units)))));
      expect(rest.codes[0].pairs[0].pooled.table).toEqual({ both: 1, a_only: 0, b_only: 1, neither: 2 });
    });

    it('reproduces the legacy rule with --segmentation 1 (or the input\'s "segmentation")', () => {
      const legacy = run(['--segmentation', '1']);
      expect(legacy.status).toBe(0);
      expect(legacy.report.segmentation.version).toBe(1);
      const { segmentation: _, ...rest } = legacy.report;
      expect(rest).toEqual(JSON.parse(JSON.stringify(computeAgreement(explicit(sentenceSegments(text))))));
      expect(rest.codes[0].pairs[0].pooled.table).toEqual({ both: 1, a_only: 0, b_only: 0, neither: 0 });
      expect(run([], { ...input, segmentation: 1 }).report).toEqual(legacy.report);
      expect(run(['--segmentation=2'], { ...input, segmentation: 1 }).report.segmentation.version).toBe(2);
    });

    it('takes a minimum coverage and the other units', () => {
      const half = run([], { ...input, unit: { by: 'sentence', minCoverage: 0.9 } });
      expect(half.report.codes[0].pairs[0].pooled.table).toEqual({ both: 1, a_only: 0, b_only: 1, neither: 2 });
      const paragraph = run([], { ...input, unit: 'paragraph' });
      expect(paragraph.report.codes[0].pairs[0].pooled.table).toEqual({ both: 1, a_only: 0, b_only: 0, neither: 0 });
      expect(run([], { ...input, unit: 'speaker_turn' }).status).toBe(0);
    });

    it.each([
      [['--segmentation', '3'], input, /--segmentation must be 1 or 2, got 3/],
      [[], { ...input, segmentation: 7 }, /"segmentation" must be 1 or 2/],
      [[], { ...input, documents: [{ id: 't1', length: text.length }] }, /documents\[0\] needs its "text"/],
      [[], { ...input, documents: [{ id: 't1', text, length: 3 }] }, /length is 3 but its text has 28/],
      [[], { ...input, unit: 'word' }, /"unit" must be "character", "sentence"/],
      [[], { ...input, unit: { by: 'sentence', extra: 1 } }, /unknown key "extra"/],
    ])('exits 2 with one line on bad text units (%j)', (args, body, message) => {
      const { status, stderr } = run(args as string[], body);
      expect(status).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  });
});
