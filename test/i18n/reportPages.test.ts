import { describe, expect, it } from 'vitest';
import { finalReportHtml } from '../../server/src/analysis/html.js';
import { codebookHtml, codebookMarkdown } from '../../server/src/export/codebookDocs.js';
import { reportHtml, reportMarkdown } from '../../server/src/rounds/report.js';
import { fixtureBundle, fixtureFinalReport } from './finalReportFixture.js';
import { fixtureReport } from './reportFixture.js';
import { VARIANTS } from './variants.js';

/**
 * Issue 26: the printable pages and documents in a German project, from their data, for the parts a seeded study
 * does not reach (every review decision, undefined coefficients, three coders, each theme status, a finalised
 * theme, each reason reliability is unavailable, every codebook section). reportLanguage.test.ts has the real
 * server's pages.
 */

describe('the reliability report in German', () => {
  it('writes readings, reasons, flags, warnings and decisions in German', () => {
    const report = fixtureReport({ ...VARIANTS.everyDecision, rare: 1, language: 'de' });
    const page = reportHtml(report);
    expect(page).toContain('<html lang="de">');
    for (const fragment of [
      // Landis & Koch and Krippendorff readings, as the interface says them.
      '<td>fast vollkommen</td>',
      '<td>beträchtlich</td>',
      '<td>vorläufig</td>',
      '<td>reliabel</td>',
      // An interval's warnings, from its reading.
      'title="ungefähr: nur 6 Transkripte (ein Bootstrap über wenige Transkripte fällt meist zu schmal aus)"',
      /<p class="warning">Kein 95-%-KI für Rare: der Koeffizient ist in \d+ von 1\.000 Stichprobenwiederholungen der Transkripte undefiniert\.<\/p>/,
      // Every kind of decision.
      '<td>Codierung von Ana Alvarez behalten</td>',
      '<td>Codierung von Ben Brandt behalten</td>',
      '<td>beide Codierungen zusammengeführt</td>',
      '<td>beide Codierungen verworfen</td>',
      '<td>die Passage als „Support &amp; care“ umcodiert</td>',
      '<td>die Passage umcodiert</td>',
      '<td>in jeder Ebene gleich (beim Aufdecken übereinstimmend)</td>',
      '<strong>Prüfung:</strong> 7 Abweichungen: 7 aufgelöst (Olive Owner: 7), 0 offen.',
      'Alle 7 Abweichungen zwischen den Codierenden wurden von Olive Owner in einer Konsensebene aufgelöst',
      /<td>5\. Dezember 2026 um 10:0\d UTC<\/td>/,
    ]) {
      if (typeof fragment === 'string') expect(page).toContain(fragment);
      else expect(page).toMatch(fragment);
    }
    for (const english of [
      'almost perfect',
      'substantial',
      'tentative',
      '>reliable<',
      'approximate',
      'kept ',
      'merged both',
      'recoded',
    ]) {
      expect(page).not.toContain(english);
    }
    const markdown = reportMarkdown(report);
    expect(markdown).toContain(
      '| Interview t4 | I felt alone | Isolation | beide Codierungen verworfen | Olive Owner |  |',
    );
    expect(markdown).toMatch(
      /Kein Intervall für Rare: der Koeffizient ist in \d+ von 1\.000 Stichprobenwiederholungen/,
    );
  });

  it('gives an undefined coefficient its reason, and flags, units and three coders in German', () => {
    const undefinedKappa = reportHtml(fixtureReport({ ...VARIANTS.undefinedKappa, language: 'de' }));
    expect(undefinedKappa).toContain(
      '<td>undefiniert</td><td title="">—</td><td>beide Codierenden codierten alle Einheiten oder keine, daher ist die Zufallsübereinstimmung 1 und Kappa 0/0</td>',
    );
    expect(undefinedKappa).toContain('Einheit: das ganze Transkript (Vorkommen oder Fehlen jedes Codes).');
    expect(undefinedKappa).not.toContain('undefined');

    const threeCoders = fixtureReport({ coders: 3, identical: true, language: 'de' });
    const page = reportHtml(threeCoders);
    expect(page).toContain('<th>Fleiss’ Kappa</th>');
    expect(page).toContain(
      '<td>alle Einstufungen liegen in einer Kategorie, daher ist die Zufallsübereinstimmung 1 und Kappa 0/0</td>',
    );
    expect(reportMarkdown(threeCoders)).toContain('| Code | Fleiss’ Kappa | 95-%-KI |');

    const flagged = reportHtml(fixtureReport({ ...VARIANTS.sentences, language: 'de' }));
    expect(flagged).toContain('Einheit: der Satz (Satzgrenzen nach den Unicode-Regeln der Textsegmentierung');
    expect(flagged).toMatch(/<td>besprechen, nicht reliabel<\/td>|<td>besprechen<\/td>|<td>nicht reliabel<\/td>/);
    expect(flagged).not.toMatch(/>(discuss|unreliable)/);

    const open = reportMarkdown(fixtureReport({ mode: 'open', language: 'de', review: { revealed: false } }));
    expect(open).toContain('Runde `r1` (offen), aufgedeckt noch nicht.');
    expect(open).toContain('**Prüfung:** Die Runde ist nicht aufgedeckt: Es wurde noch keine Abweichung geprüft.');
  });

  it('is English as before for a report built without a language, whatever tag the page is given', () => {
    const report = fixtureReport(VARIANTS.everyDecision);
    const page = reportHtml(report, { lang: 'fr' });
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('<td>kept Ana Alvarez’s coding</td>');
    expect(page).toContain('<h2>Method</h2><p class="method">Intercoder reliability was assessed');
    expect(page).toContain('<td>almost perfect</td>');
    expect(reportMarkdown(report)).toContain('**Review:** 7 disagreements: 7 resolved (Olive Owner: 7), 0 unresolved.');
  });
});

describe('the final report in German', () => {
  it('writes statuses, finalisation, figures, flags and the kappa name in German', () => {
    const page = finalReportHtml(fixtureFinalReport(), { lang: 'de' });
    for (const fragment of [
      '<p class="meta">3 Themen (1 abgeschlossen) · erstellt 6. Dezember 2026 um 15:04 UTC</p>',
      '<h2>Being alone <span class="status">abgeschlossen</span></h2>',
      '<h3>— Unterthema: Night shifts <span class="status">geprüft</span></h3>',
      '<h2>Support <span class="status">Kandidat</span></h2>',
      '<p class="meta">13 Codierungen in 1 Transkript (1 teilnehmende Person).</p>',
      '<p class="meta">0 Codierungen in 0 Transkripten (0 Teilnehmende).</p>',
      '<p class="meta">4 Codierungen in 2 Transkripten (2 Teilnehmende).</p>',
      '<p class="meta">Finalisiert am 5. Dezember 2026 mit Runde „Pilot“ (Bericht f00dfeedbeef…, Einheit Zeichen); Reliabilitätswarnungen wurden bestätigt.</p>',
      '<p class="meta">Finalisiert am 4. Dezember 2026 mit keiner aufgedeckten Runde.</p>',
      '<td>κ 0,51, α 0,50 (unter der Schwelle)</td>',
      '<td>nie doppelt codiert</td>',
      'Zuletzt aufgedeckte Runde: <strong>Pilot</strong>, aufgedeckt am 5. Dezember 2026 (Bericht f00dfeedbeef…). Mittleres Kappa 0,61, mittleres Alpha 0,70 über 2 Codes; Schwellen: Kappa 0,6, Alpha 0,667.',
      '<th>Code</th><th>Cohens Kappa</th><th>Krippendorffs Alpha</th><th>Markierungen</th>',
      '<td>0,51</td><td>0,50</td><td>besprechen, nicht reliabel</td>',
    ]) {
      expect(page).toContain(fragment);
    }
    for (const english of [
      '>final<',
      '>reviewed<',
      '>candidate<',
      'unit character',
      'discuss',
      'Cohen&#39;s',
      '0.51',
    ]) {
      expect(page).not.toContain(english);
    }
  });

  it('says why reliability is unavailable in German, and an unknown reason as it is', () => {
    const unavailable = (reason: string) =>
      finalReportHtml(fixtureFinalReport({ unavailable: reason, codes: [], round: null, digest: null }), {
        lang: 'de',
      });
    expect(unavailable('no round has been revealed yet')).toContain(
      '<h2>Reliabilität</h2><p class="muted">Noch ist keine Runde aufgedeckt.</p>',
    );
    expect(unavailable('the latest revealed round cannot be read by you while a blind round runs')).toContain(
      '<p class="muted">Die zuletzt aufgedeckte Runde können Sie nicht lesen, solange eine verblindete Runde läuft.</p>',
    );
    expect(unavailable('something else')).toContain('<p class="muted">something else.</p>');
    expect(
      finalReportHtml(fixtureFinalReport({ unavailable: 'no round has been revealed yet', codes: [], round: null })),
    ).toContain('<p class="muted">no round has been revealed yet.</p>');
  });

  it('stays English, ISO dates and decimal points, for English and other tags', () => {
    for (const lang of [null, 'fr']) {
      const page = finalReportHtml(fixtureFinalReport(), { lang });
      expect(page).toContain('<h2>Being alone <span class="status">final</span></h2>');
      expect(page).toContain('<p class="meta">13 codings in 1 transcripts (1 participants).</p>');
      expect(page).toContain('(report f00dfeedbeef…, unit character); reliability warnings were acknowledged.');
      expect(page).toContain('<th>Cohen&#39;s kappa</th><th>Krippendorff&#39;s alpha</th><th>Flags</th>');
      expect(page).toContain('<td>0.51</td><td>0.50</td><td>discuss, unreliable</td>');
      expect(page).toContain('Finalised 2026-12-05 on round “Pilot”');
    }
  });
});

describe('the codebook document in German', () => {
  it('labels every section in the project language, in HTML and in Markdown', () => {
    const page = codebookHtml(fixtureBundle(), { lang: 'de', excerptsPerCode: 1 });
    expect(page).toContain('<title>Codebuch: Caring &lt;study&gt;</title>');
    expect(page).toContain('<h1>Codebuch: Caring &lt;study&gt;</h1>');
    expect(page).toContain(
      '<dt>Definition</dt><dd>Being alone.</dd>\n<dt>Einschlusskriterien</dt><dd>Says so.</dd>\n<dt>Ausschlusskriterien</dt><dd>Chosen solitude.</dd>\n<dt>Beispiele</dt><dd>“I felt alone”</dd>',
    );
    const markdown = codebookMarkdown(fixtureBundle(), { lang: 'de-CH' });
    expect(markdown).toMatch(/^# Codebuch: Caring <study>\n/);
    for (const label of [
      '**Definition.** Being alone.',
      '**Einschlusskriterien.** Says so.',
      '**Ausschlusskriterien.**',
      '**Beispiele.**',
    ]) {
      expect(markdown).toContain(label);
    }
    const english = codebookMarkdown(fixtureBundle(), { lang: 'fr' });
    expect(english).toMatch(/^# Codebook: Caring <study>\n/);
    expect(english).toContain('**Inclusion criteria.** Says so.');
  });
});
