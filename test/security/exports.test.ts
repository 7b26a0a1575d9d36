import fs from 'node:fs';
import { addCode, addCoding, docName, readCodes } from '@accord/shared';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { PRINTABLE_CSP } from '../../server/src/render/html.js';
import { type ApiClient, seedProject, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 21 items 5, 6 and the empty codebook of 13, through the real server's routes: a stored colour cannot break
 * out of the codebook page, every CSV neutralises formula-like text (numbers stay numbers) unless asked not to,
 * every HTML page still renders under the printable CSP, and every REFI-QDA export is valid against the schema.
 */
const EVIL_COLOUR = 'red"><script>alert(1)</script>';
const FORMULA = '=HYPERLINK("http://evil.example","x")';
const TEXT = `Interviewer: What did it say?\nP1: ${FORMULA} and then\nInterviewer: And?\nP1: - I left. It was -2 degrees.\n`;

const FIXTURES = new URL('../fixtures/refi-qda/', import.meta.url);
const validate = (xml: string, xsd: string) =>
  validateXML({
    xml: [{ fileName: 'export.xml', contents: xml }],
    schema: [fs.readFileSync(new URL(xsd, FIXTURES), 'utf8')],
  });

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.close();
});

type Cast = Awaited<ReturnType<typeof seedProject>>;

const codebookName = (project: string) => docName({ kind: 'codebook', project });

async function codeOnServer(cast: Cast, coder: string, code: string, start: number, end: number) {
  const text = docName({ kind: 'text', project: cast.project.id, transcript: cast.transcript.id });
  const layer = docName({ kind: 'codings', project: cast.project.id, transcript: cast.transcript.id, coder });
  await test.server.ctx.sync.withDoc(text, (textDoc) =>
    test.server.ctx.sync.withDoc(layer, (layerDoc) => {
      addCoding(layerDoc, textDoc, { code, start, end });
    }),
  );
}

async function download(client: ApiClient, path: string) {
  const response = await fetch(`${test.url}${path}`, { headers: { cookie: client.cookie! } });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** Cells of a CSV without quoted newlines (the BOM dropped), good enough for these files. */
const cells = (csv: string) =>
  csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
    .map((line) => line.split(','));

describe('a hostile codebook and transcript', () => {
  let cast: Cast;
  let code: string;
  const exportUrl = (query: string) => `/api/projects/${cast.project.id}/export?${query}`;

  beforeAll(async () => {
    cast = await seedProject(test, TEXT);
    // Straight into the codebook document, as an old or hostile client could have written it.
    code = await test.server.ctx.sync.withDoc(codebookName(cast.project.id), (doc) =>
      addCode(doc, { name: '=SUM(1+1)', colour: EVIL_COLOUR, definition: '-1+1 <b>bold</b>' }),
    );
    const start = TEXT.indexOf(FORMULA);
    await codeOnServer(cast, cast.coder.id, code, start, start + FORMULA.length);
    const dash = TEXT.indexOf('- I left');
    await codeOnServer(cast, cast.coder2.id, code, dash, dash + 8);
  });

  it('the codebook page has no script and no broken attribute, whatever colour is stored', async () => {
    const { response, bytes } = await download(cast.owner.client, exportUrl('format=codebook-html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(PRINTABLE_CSP);
    const page = strFromU8(bytes);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain('red"');
    // A swatch only ever with a hex colour (the stored value is dropped, or read as the palette default).
    for (const style of page.match(/style="[^"]*"/g) ?? []) expect(style).toMatch(/^style="background:#[0-9a-f]{6}"$/);
    expect(page).toContain('>=SUM(1+1)</h2>');
    expect(page).toContain('<dd>-1+1 &lt;b&gt;bold&lt;/b&gt;</dd>');
    // Every attribute in the page is well formed: name="value" with no quote inside.
    for (const tag of page.match(/<[a-z][^>]*>/g) ?? []) expect(tag).toMatch(/^<[a-z0-9]+(\s+[a-z-]+(="[^"<>]*")?)*>$/);
  });

  it('the REFI-QDA exports write only a hex colour and stay valid against the schema', async () => {
    const qdc = strFromU8((await download(cast.owner.client, exportUrl('format=qdc'))).bytes);
    expect(qdc).not.toContain('alert(1)');
    for (const colour of qdc.match(/color="[^"]*"/g) ?? []) expect(colour).toMatch(/^color="#[0-9a-f]{6}"$/);
    expect((await validate(qdc, 'Codebook-mrt2019.xsd')).errors).toEqual([]);
    const qdpx = (await download(cast.owner.client, exportUrl('format=qdpx'))).bytes;
    const qde = strFromU8(unzipSync(qdpx)['project.qde']!);
    expect((await validate(qde, 'Project-mrt2019.xsd')).errors).toEqual([]);
  });

  it('the segment CSV neutralises formula-like text and keeps offsets as numbers', async () => {
    const csv = await cast.owner.client.get(exportUrl('format=csv'));
    expect(csv.status).toBe(200);
    const rows = cells(csv.body);
    const header = rows[0]!;
    const text = header.indexOf('text');
    const start = header.indexOf('start');
    const codePath = header.indexOf('codePath');
    const body = rows.slice(1);
    expect(body).toHaveLength(2);
    expect(body.map((row) => row[codePath])).toEqual(["'=SUM(1+1)", "'=SUM(1+1)"]);
    expect(body.map((row) => row[text]!.replace(/^"/, '').slice(0, 2)).sort()).toEqual(["'-", "'="]);
    for (const row of body) expect(row[start]).toMatch(/^\d+$/);
    // The opt-out for R and pandas: the data exactly.
    const raw = await cast.owner.client.get(exportUrl('format=csv&formulaSafe=false'));
    expect(raw.body).toContain('=SUM(1+1)');
    expect(raw.body).not.toContain("'=");
    expect(raw.body).not.toContain("'-");
  });

  it('the codebook CSV neutralises names and definitions, and writes only a hex colour', async () => {
    const csv = await cast.owner.client.get(exportUrl('format=codebook-csv'));
    const [header, row, ...rest] = cells(csv.body);
    expect(header).toEqual(['name', 'parent', 'path', 'definition', 'inclusion', 'exclusion', 'examples', 'colour']);
    expect(row!.slice(0, 7)).toEqual(["'=SUM(1+1)", '', "'=SUM(1+1)", "'-1+1 <b>bold</b>", '', '', '']);
    expect(row![7]).toMatch(/^(#[0-9a-f]{6})?$/);
    expect(rest).toEqual([]);
  });

  it('the matrix CSV neutralises coder names and transcript titles in its header and cells', async () => {
    const evil = await test.addUser(`evil-${Date.now()}@example.org`, '@Evil');
    expect(
      (await cast.owner.client.post(`/api/projects/${cast.project.id}/members`, { email: evil.email, role: 'coder' }))
        .status,
    ).toBe(201);
    await codeOnServer(cast, evil.id, code, 0, 5);
    const csv = await cast.owner.client.get(exportUrl(`format=matrix&unit=transcript&code=${code}`));
    expect(csv.status).toBe(200);
    const [header, ...rows] = cells(csv.body);
    expect(header).toContain("'@Evil");
    expect(rows[0]!.slice(-3)).toEqual(['1', '1', '1']);
  });

  it('the xlsx export writes formula-like text as text, never as a formula', async () => {
    const { bytes } = await download(cast.owner.client, exportUrl('format=xlsx'));
    const files = unzipSync(bytes);
    expect(strFromU8(files['xl/worksheets/sheet1.xml']!)).not.toContain('<f>');
    expect(strFromU8(files['xl/sharedStrings.xml']!)).toContain('=HYPERLINK(');
  });

  it('the analysis retrieval CSV neutralises too, with the same opt-out', async () => {
    const base = `/api/projects/${cast.project.id}/analysis/segments?layer=coders&format=csv`;
    const csv = await cast.owner.client.get(base);
    expect(csv.status).toBe(200);
    expect(csv.body).toContain(`"'${FORMULA.replaceAll('"', '""')}"`);
    expect(csv.body).toContain(",'- I left,");
    const raw = await cast.owner.client.get(`${base}&formulaSafe=false`);
    expect(raw.body).toContain(`"${FORMULA.replaceAll('"', '""')}"`);
    expect(raw.body).toContain(',- I left,');
  });

  it('every printable page renders under the CSP, with nothing of the hostile input as markup', async () => {
    const pages = [
      `/api/projects/${cast.project.id}/analysis/segments?layer=coders&format=html`,
      `/api/projects/${cast.project.id}/analysis/report?layer=coders&format=html`,
    ];
    for (const page of pages) {
      const { response, bytes } = await download(cast.owner.client, page);
      expect(response.status, page).toBe(200);
      expect(response.headers.get('content-type'), page).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy'), page).toBe(PRINTABLE_CSP);
      const html = strFromU8(bytes);
      expect(html, page).toMatch(/^<!doctype html>/);
      expect(html, page).not.toMatch(/<script|<b>/i);
    }
  });
});

describe('the reliability report', () => {
  it('keeps negative figures as numbers, neutralises code names, and its page renders', async () => {
    const text = 'Interviewer: One.\nP1: Two three four five six seven eight nine ten.\n';
    const cast = await seedProject(test, text);
    const code = await test.server.ctx.sync.withDoc(codebookName(cast.project.id), (doc) =>
      addCode(doc, { name: '+cmd|calc', colour: EVIL_COLOUR }),
    );
    const created = await cast.owner.client.post(`/api/projects/${cast.project.id}/rounds`, {
      name: '<script>alert(1)</script>',
      mode: 'blind',
      transcripts: { ids: [cast.transcript.id] },
      coders: [cast.coder.id, cast.coder2.id],
    });
    expect(created.status).toBe(201);
    // Disjoint codings: agreement below chance, a negative kappa.
    await codeOnServer(cast, cast.coder.id, code, 0, 30);
    await codeOnServer(cast, cast.coder2.id, code, 30, text.length);
    const base = `/api/projects/${cast.project.id}/rounds/${created.body.round.id}`;
    expect((await cast.owner.client.post(`${base}/reveal`, { force: true })).status).toBe(200);

    const csv = await cast.owner.client.get(`${base}/report?format=csv&unit=character`);
    expect(csv.status).toBe(200);
    const [header, ...rows] = cells(csv.body);
    const kappa = rows.find((row) => row[header!.indexOf('statistic')] === 'cohen_kappa')!;
    expect(Number(kappa[header!.indexOf('value')])).toBeLessThan(0);
    expect(kappa[header!.indexOf('value')]).toMatch(/^-0\.\d+/);
    expect(kappa[header!.indexOf('code_name')]).toBe("'+cmd|calc");
    const raw = await cast.owner.client.get(`${base}/report?format=csv&unit=character&formulaSafe=false`);
    expect(raw.body).toContain(',+cmd|calc,');

    const page = await download(cast.owner.client, `${base}/report?format=html&unit=character`);
    expect(page.response.status).toBe(200);
    expect(page.response.headers.get('content-security-policy')).toBe(PRINTABLE_CSP);
    const html = strFromU8(page.bytes);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<h1>Reliability report: &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
  });
});

describe('colours entering by import', () => {
  const upload = (client: ApiClient, project: string, name: string, body: string) =>
    client.request('POST', `/api/projects/${project}/import/files?name=${encodeURIComponent(name)}`, body, {
      'content-type': 'application/octet-stream',
    });

  it('a .qdc colour that is not one is dropped with a warning; the page stays safe', async () => {
    const cast = await seedProject(test);
    const attribute = EVIL_COLOUR.replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    const qdc = `<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="aaaaaaaa-0000-4000-8000-00000000000a" name="Barriers" isCodable="true" color="${attribute}"/><Code guid="aaaaaaaa-0000-4000-8000-00000000000b" name="Support" isCodable="true" color="#ABC"/></Codes></CodeBook>`;
    const uploaded = await upload(cast.owner.client, cast.project.id, 'hostile.qdc', qdc);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.upload.warnings).toEqual([
      expect.stringMatching(
        /^hostile\.qdc: code "Barriers": colour .* is not a hex colour like #e69f00; colour dropped$/,
      ),
    ]);
    const confirmed = await cast.owner.client.post(`/api/projects/${cast.project.id}/import`, {
      uploads: [uploaded.body.upload.id],
    });
    expect(confirmed.status).toBe(201);
    const colours = await test.server.ctx.sync.withDoc(codebookName(cast.project.id), (doc) =>
      Object.fromEntries(readCodes(doc).map((c) => [c.name, c.colour])),
    );
    expect(colours.Support).toBe('#aabbcc');
    expect(colours.Barriers).toMatch(/^#[0-9a-f]{6}$/);
    const page = strFromU8(
      (await download(cast.owner.client, `/api/projects/${cast.project.id}/export?format=codebook-html`)).bytes,
    );
    expect(page).not.toMatch(/<script/i);
  });

  it('a codebook CSV with a colour that is not one is refused, naming the row', async () => {
    const cast = await seedProject(test);
    const csv = `name,colour\nBarriers,"${EVIL_COLOUR.replaceAll('"', '""')}"\n`;
    const uploaded = await upload(cast.owner.client, cast.project.id, 'codes.csv', csv);
    expect(uploaded.status).toBe(400);
    expect(uploaded.body.error.message).toMatch(/codes\.csv: .*colour .* is not a hex colour like #e69f00/);
  });
});

describe('an empty codebook', () => {
  it('has no valid .qdc, so it is refused with a clear answer; the .qdpx leaves it out and is valid', async () => {
    const cast = await seedProject(test);
    const qdc = await cast.owner.client.get(`/api/projects/${cast.project.id}/export?format=qdc`);
    expect(qdc.status).toBe(409);
    expect(qdc.body.error).toMatchObject({ code: 'empty_codebook', message: expect.stringMatching(/at least one/) });
    const qdpx = (await download(cast.owner.client, `/api/projects/${cast.project.id}/export?format=qdpx`)).bytes;
    const qde = strFromU8(unzipSync(qdpx)['project.qde']!);
    expect(qde).not.toContain('<CodeBook');
    const result = await validate(qde, 'Project-mrt2019.xsd');
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the schema does reject the empty <Codes/> the writer used to produce (the check is real)', async () => {
    const old =
      '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Accord"><Codes/></CodeBook>';
    expect((await validate(old, 'Codebook-mrt2019.xsd')).valid).toBe(false);
  });
});
