/// <reference lib="dom" />
import { addCode, docName } from '@accord/shared';
import type { Page } from 'playwright-core';
import { codePassages } from '../analysis/helpers.js';
import { seedProject, type TestServer } from '../helpers/server.js';

export const STUDY_TEXT =
  'Interviewer: When the group met, how were decisions made?\n' +
  'P1: Honestly, nobody wanted to be the one who disagreed. We all assumed the plan would work because the lead ' +
  'had done it before. When Sam raised a doubt, people went quiet and then we moved on as if nothing was said.\n' +
  'Interviewer: Did anyone check the figures?\n' +
  'P1: Not really. We trusted the numbers because they came from our own team. Outsiders were seen as not ' +
  'understanding the project, so their warnings did not count for much.\n';

/** A project with two transcripts, a codebook, coder and consensus codings and a revealed blind round. */
export async function seedStudy(test: TestServer) {
  const seed = await seedProject(test, STUDY_TEXT);
  const p = seed.project.id;
  const codes: Record<string, string> = {};
  await test.server.ctx.sync.withDoc(docName({ kind: 'codebook', project: p }), (doc) => {
    codes.illusion = addCode(doc, { name: 'Illusion of invulnerability', definition: 'Excessive optimism.' });
    codes.unanimity = addCode(doc, { name: 'Illusion of unanimity', definition: 'Silence read as consent.' });
    codes.selfCensorship = addCode(doc, { name: 'Self-censorship', definition: 'Doubts kept to oneself.' });
    codes.stereotypes = addCode(doc, { name: 'Stereotyped outgroups', definition: 'Outsiders dismissed.' });
    codes.pressure = addCode(doc, { name: 'Direct pressure on dissenters', parent: codes.selfCensorship });
  });
  const second = (
    await seed.owner.client.post(`/api/projects/${p}/transcripts`, {
      title: 'Interview 2',
      participant: 'P2',
      text: STUDY_TEXT.replaceAll('P1:', 'P2:'),
      turns: [
        { start: 0, speaker: 'Interviewer' },
        { start: STUDY_TEXT.indexOf('P1:'), speaker: 'P2' },
      ],
    })
  ).body.transcript.id as string;
  const round = (
    await seed.owner.client.post(`/api/projects/${p}/rounds`, {
      name: 'Pilot round',
      mode: 'blind',
      transcripts: { ids: [seed.transcript.id] },
      coders: [seed.coder.id, seed.coder2.id],
    })
  ).body.round.id as string;
  await codePassages(test, p, seed.transcript.id, seed.coder.id, [
    { code: codes.selfCensorship!, text: 'nobody wanted to be the one who disagreed' },
    { code: codes.illusion!, text: 'We all assumed the plan would work' },
    { code: codes.unanimity!, text: 'people went quiet' },
    { code: codes.stereotypes!, text: 'Outsiders were seen as not understanding the project' },
  ]);
  await codePassages(test, p, seed.transcript.id, seed.coder2.id, [
    { code: codes.selfCensorship!, text: 'nobody wanted to be the one who disagreed. We all' },
    { code: codes.unanimity!, text: 'we moved on as if nothing was said' },
    { code: codes.stereotypes!, text: 'Outsiders were seen as not understanding the project' },
  ]);
  const revealed = await seed.owner.client.post(`/api/projects/${p}/rounds/${round}/reveal`, { force: true });
  if (revealed.status !== 200) throw new Error(`reveal failed: ${revealed.status} ${JSON.stringify(revealed.body)}`);
  await codePassages(test, p, second, seed.coder.id, [
    { code: codes.illusion!, text: 'the lead had done it before' },
    { code: codes.unanimity!, text: 'people went quiet' },
  ]);
  await codePassages(test, p, second, 'consensus', [
    { code: codes.stereotypes!, text: 'their warnings did not count' },
  ]);
  return { ...seed, codes, second, round };
}

export type Study = Awaited<ReturnType<typeof seedStudy>>;

export interface PageVisit {
  name: string;
  path: string;
  /** Waits until the page shows its content (not a loading state). */
  ready: (page: Page) => Promise<unknown>;
  /** Extra steps after loading (opening a wizard). */
  open?: (page: Page) => Promise<unknown>;
}

/** Every signed-in page of the app, reached by its address, with what shows it is ready. */
export function studyPages(study: Study): PageVisit[] {
  const p = `/p/${study.project.id}`;
  const heading = (name: string | RegExp) => (page: Page) =>
    page.getByRole('heading', { name, level: 1 }).first().waitFor();
  return [
    { name: 'projects', path: '/', ready: heading('Your projects') },
    { name: 'account', path: '/account', ready: heading('Your account') },
    {
      name: 'project-transcripts',
      path: p,
      ready: (page) => page.getByRole('link', { name: 'Interview 2' }).waitFor(),
    },
    {
      name: 'project-codebook',
      path: `${p}/codebook`,
      ready: (page) => page.getByText('Self-censorship').first().waitFor(),
    },
    { name: 'project-memo', path: `${p}/memo`, ready: (page) => page.getByRole('textbox').first().waitFor() },
    {
      name: 'project-settings',
      path: `${p}/settings`,
      ready: (page) => page.getByText('Cody Coder').first().waitFor(),
    },
    {
      name: 'reader',
      path: `${p}/t/${study.transcript.id}`,
      ready: (page) => page.locator('.stripe').first().waitFor({ state: 'attached' }),
    },
    { name: 'rounds', path: `${p}/rounds`, ready: (page) => page.getByText('Pilot round').first().waitFor() },
    { name: 'round', path: `${p}/rounds/${study.round}`, ready: heading(/Pilot round/) },
    {
      name: 'round-dashboard',
      path: `${p}/rounds/${study.round}/agreement`,
      ready: (page) => page.locator('tr[data-code-name="Self-censorship"]').waitFor(),
    },
    {
      name: 'round-review',
      path: `${p}/rounds/${study.round}/review`,
      ready: (page) => page.locator('li.disagreement').first().waitFor(),
    },
    {
      name: 'analysis-retrieval',
      path: `${p}/analysis`,
      ready: (page) => page.getByTestId('segment').first().waitFor(),
    },
    {
      name: 'analysis-statistics',
      path: `${p}/analysis/statistics`,
      ready: (page) => page.getByTestId('frequency-table').waitFor(),
    },
    {
      name: 'analysis-themes',
      path: `${p}/analysis/themes`,
      ready: (page) => page.getByRole('region', { name: 'Theme board' }).waitFor(),
    },
    { name: 'analysis-report', path: `${p}/analysis/report`, ready: heading('Analysis') },
    {
      name: 'import-wizard',
      path: p,
      ready: (page) => page.getByRole('button', { name: 'Import…' }).waitFor(),
      open: async (page) => {
        await page.getByRole('button', { name: 'Import…' }).click();
        await page.getByRole('region', { name: 'Import' }).waitFor();
      },
    },
  ];
}
