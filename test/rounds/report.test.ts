import { DEFAULT_THRESHOLDS, MIN_INTERVAL_TRANSCRIPTS, roundAgreement } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDashboard } from '../../client/src/rounds/dashboardModel.js';
import { codePassages } from '../analysis/helpers.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { addCodes } from './helpers.js';

/**
 * The reliability report says what happened (how many disagreements were resolved, by whom, how many remain),
 * shows the dashboard's intervals (one shared computation), no interval below the minimum number of transcripts,
 * decisions in words, and exports as HTML (printable), Markdown and CSV with references.
 */
const text = (i: number) =>
  `Interviewer: How was it, ${i}?\nP${i}: Hard at first. I felt alone and nobody called me back.\n` +
  `Interviewer: What helped?\nP${i}: My sister. She came every week and we talked about it.\n`;

let test: TestServer;
let cast: Awaited<ReturnType<typeof seedProject>>;
let codes: Record<string, string>;
let p: string;

/** A round on `count` transcripts, coded by both coders (agreeing on most, not all), revealed. */
async function revealedRound(name: string, count: number) {
  const transcripts: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await cast.owner.client.post(`/api/projects/${p}/transcripts`, {
      title: `${name} ${i + 1}`,
      participant: `P${i + 1}`,
      text: text(i + 1),
    });
    transcripts.push(created.body.transcript.id);
  }
  const round = await cast.owner.client.post(`/api/projects/${p}/rounds`, {
    name,
    mode: 'blind',
    transcripts: { ids: transcripts },
    coders: [cast.coder.id, cast.coder2.id],
    adjudicators: [cast.owner.id],
  });
  expect(round.status, JSON.stringify(round.body)).toBe(201);
  for (const [i, transcript] of transcripts.entries()) {
    await codePassages(test, p, transcript, cast.coder.id, [
      { code: codes.isolation!, text: 'I felt alone' },
      { code: codes.support!, text: i % 2 === 0 ? 'My sister. She came every week' : 'She came every week' },
      ...(i % 3 === 0 ? [{ code: codes.isolation!, text: 'Hard at first' }] : []),
    ]);
    await codePassages(test, p, transcript, cast.coder2.id, [
      { code: codes.isolation!, text: i === 1 ? 'I felt alone and nobody called me back' : 'I felt alone' },
      { code: codes.support!, text: 'She came every week' },
    ]);
  }
  const base = `/api/projects/${p}/rounds/${round.body.round.id}`;
  expect((await cast.owner.client.post(`${base}/reveal`, { force: true })).status).toBe(200);
  return { base, transcripts };
}

beforeAll(async () => {
  test = await startTestServer();
  cast = await seedProject(test, text(0));
  p = cast.project.id;
  codes = await addCodes(test, p, ['isolation', 'support']);
});
afterAll(async () => {
  await test.close();
});

describe('a report generated mid-review', () => {
  let base: string;
  beforeAll(async () => {
    ({ base } = await revealedRound('Mid', 6));
  });

  it('states how many disagreements are resolved, by whom, and how many remain', async () => {
    const { body } = await cast.owner.client.get(`${base}/disagreements`);
    const total = body.disagreements.length as number;
    expect(total).toBeGreaterThan(2);
    const first = body.disagreements.find((d: any) => d.kind === 'differentBoundaries');
    const decided = await cast.owner.client.post(`${base}/consensus`, {
      transcriptId: first.transcriptId,
      disagreement: first.id,
      choice: 'keepB',
      memo: 'the visits, not the person',
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(201);

    const report = (await cast.viewer.client.get(`${base}/report`)).body;
    expect(report.review).toMatchObject({ revealed: true, disagreements: total, resolved: 1, open: total - 1 });
    expect(report.method).toContain(
      `Of ${total} disagreements between coders, 1 was resolved into a consensus layer by Olive Owner`,
    );
    expect(report.method).toContain(`${total - 1} remained unresolved when this report was generated`);
    expect(report.method).not.toMatch(/Disagreements were reviewed and resolved/);
    expect(report.method).toContain('forced reveal');
    expect(report.review.decisions).toEqual([
      expect.objectContaining({ decision: 'keepB', words: 'kept Cora Coder’s coding', by: 'Olive Owner' }),
    ]);

    const html = (await cast.viewer.client.get(`${base}/report?format=html`)).body as string;
    expect(html).toContain(`${total} disagreements: 1 resolved (Olive Owner: 1), ${total - 1} unresolved.`);
    expect(html).toContain('<td>kept Cora Coder’s coding</td>');
    expect(html).not.toContain('keepB');
    expect(html).toContain('@media print');
  });

  it('shows the intervals the dashboard computes for the same code, from one shared method', async () => {
    const report = (await cast.viewer.client.get(`${base}/report`)).body;
    // What the dashboard fetches and computes in the browser: the spans input, through the shared code.
    const input = (await cast.viewer.client.get(`${base}/spans?unit=character&minCoverage=0`)).body;
    const dashboard = computeDashboard(input, DEFAULT_THRESHOLDS);
    expect(dashboard.rows.map((row) => [row.code, row.kappa.value, row.intervals])).toEqual(
      report.codes.map((row: any) => [row.code, row.kappa.value, row.intervals]),
    );
    expect(roundAgreement(input, DEFAULT_THRESHOLDS).rows.map((row) => row.intervals)).toEqual(
      report.codes.map((row: any) => row.intervals),
    );
    const support = report.codes.find((row: any) => row.name === 'support');
    expect(support.intervals.kappa).toMatchObject({ method: 'percentile bootstrap over transcripts', transcripts: 6 });
    expect(support.intervals.kappa.ci95).toHaveLength(2);
    expect(support.intervals.kappa.ci95[0]).toBeLessThan(support.intervals.kappa.ci95[1]);
    expect(support.intervals.kappa.warning).toMatch(/approximate: only 6 transcripts/);
    // The agreement endpoint (the revealed dashboard's table) reads the same rows.
    const agreement = (await cast.viewer.client.get(`${base}/agreement`)).body;
    expect(agreement.codes.map((row: any) => row.intervals)).toEqual(report.codes.map((row: any) => row.intervals));
  });

  it('exports Markdown for the paper, with the references of the coefficients used', async () => {
    const response = await cast.viewer.client.get(`${base}/report?format=md`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/markdown/);
    const markdown = response.body as string;
    expect(markdown).toMatch(/^# Reliability report: Mid\n/);
    expect(markdown).toContain("| Code | Cohen's kappa | 95% CI |");
    expect(markdown).toContain('## References');
    expect(markdown).toContain('- Cohen, J. (1960). A coefficient of agreement for nominal scales.');
    expect(markdown).toContain('- Efron, B., & Tibshirani, R. J. (1993).');
    expect(markdown).toContain('kept Cora Coder’s coding');
  });
});

describe('a round on too few transcripts', () => {
  it('gives no interval, says why, and still reports every coefficient', async () => {
    const { base } = await revealedRound('Small', 2);
    const report = (await cast.viewer.client.get(`${base}/report`)).body;
    for (const row of report.codes) {
      expect(row.kappa.value).not.toBeNull();
      expect(row.intervals.kappa).toMatchObject({ ci95: null, transcripts: 2 });
      expect(row.intervals.kappa.warning).toBe(
        `2 transcripts coded by both coders; an interval needs at least ${MIN_INTERVAL_TRANSCRIPTS} (bootstrap over transcripts)`,
      );
    }
    // No bootstrap was run at all, so nothing can collapse to a point.
    expect(report.input.bootstrap).toBeUndefined();
    expect(report.method).toContain('No confidence intervals are reported: the round has 2 transcripts');
    expect(report.method).toContain('none had been resolved');
    const html = (await cast.viewer.client.get(`${base}/report?format=html`)).body as string;
    expect(html).toContain('<p class="warning">No 95% CI for any code: 2 transcripts coded by both coders;');
    expect(html).not.toMatch(/\[0\.\d+, 0\.\d+\]/);
  });
});

describe("a report in the project's language", () => {
  it('tells the review, the decisions and the intervals in German, and in English again without one', async () => {
    const { base } = await revealedRound('Sprache', 6);
    const { body } = await cast.owner.client.get(`${base}/disagreements`);
    const total = body.disagreements.length as number;
    const first = body.disagreements.find((d: any) => d.kind === 'differentBoundaries');
    const decided = await cast.owner.client.post(`${base}/consensus`, {
      transcriptId: first.transcriptId,
      disagreement: first.id,
      choice: 'keepB',
      memo: 'die Besuche, nicht die Person',
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(201);
    const language = (value: string | null) =>
      cast.owner.client.patch(`/api/projects/${p}`, { settings: { language: value } });
    expect((await language('de')).status).toBe(200);
    try {
      const report = (await cast.viewer.client.get(`${base}/report`)).body;
      expect(report.language).toBe('de');
      expect(report.method).toContain(
        `Von ${total} Abweichungen zwischen den Codierenden wurde 1 von Olive Owner in einer Konsensebene aufgelöst`,
      );
      expect(report.method).toContain(`bei Erstellung dieses Berichts noch offen: ${total - 1}`);
      expect(report.method).toContain('(erzwungenes Aufdecken)');
      expect(report.review.decisions).toEqual([
        expect.objectContaining({ decision: 'keepB', words: 'Codierung von Cora Coder behalten' }),
      ]);
      // The engine's values stay as they are in the data.
      expect(report.codes.find((row: any) => row.name === 'support').intervals.kappa.warning).toMatch(
        /approximate: only 6 transcripts/,
      );

      const html = (await cast.viewer.client.get(`${base}/report?format=html`)).body as string;
      expect(html).toContain(`${total} Abweichungen: 1 aufgelöst (Olive Owner: 1), ${total - 1} offen.`);
      expect(html).toContain('<td>Codierung von Cora Coder behalten</td>');
      expect(html).toContain(
        'title="ungefähr: nur 6 Transkripte (ein Bootstrap über wenige Transkripte fällt meist zu schmal aus)"',
      );
      expect(html).not.toContain('approximate');
      const markdown = (await cast.viewer.client.get(`${base}/report?format=md`)).body as string;
      expect(markdown).toMatch(/^# Reliabilitätsbericht: Sprache\n/);
      expect(markdown).toContain('| Code | Cohens Kappa | 95-%-KI |');
      expect(markdown).toContain('| Codierung von Cora Coder behalten | Olive Owner | die Besuche, nicht die Person |');
      expect(markdown).toContain('## Literatur');
    } finally {
      expect((await language(null)).status).toBe(200);
    }
    const english = (await cast.viewer.client.get(`${base}/report`)).body;
    expect(english.language).toBeNull();
    expect(english.method).toContain(`Of ${total} disagreements between coders, 1 was resolved into a consensus layer`);
    expect(english.review.decisions[0].words).toBe('kept Cora Coder’s coding');
  });
});
