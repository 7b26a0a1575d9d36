import type { ReportMessageId } from './en.js';
import type { ReportMessage } from './index.js';

/**
 * German (Sie-form, as the interface). Coefficient names as German texts write them (Cohens Kappa, Krippendorffs
 * Alpha); abbreviations (PABAK, AC1) and citations stay as published.
 */
export const DE: Partial<Record<ReportMessageId, ReportMessage>> = {
  'reliability.title': 'Reliabilitätsbericht: {name}',
  'reliability.printHint':
    'Zum Speichern als PDF drucken Sie diese Seite (im Druck fehlt diese Zeile). Auch als Markdown und CSV erhältlich.',
  'reliability.round': 'Runde {id} ({mode}), aufgedeckt {revealed}',
  'reliability.notRevealed': 'noch nicht',
  'reliability.forced': '(erzwungen, bevor alle Codierenden fertig waren)',
  'reliability.unit': 'Einheit: {unit}.',
  'reliability.generated': 'Erstellt mit Accord {version} am {date}.',
  'reliability.coders': 'Codierende: {names}.',
  'reliability.codebook': 'SHA-256 des Codebuchs:',
  'reliability.noCodebook': 'keins',
  'reliability.thresholds': 'Schwellen: Kappa < {kappa} besprechen, Alpha < {alpha} nicht reliabel.',
  'reliability.review': 'Prüfung:',
  'reliability.notRevealedReview': 'Die Runde ist nicht aufgedeckt: Es wurde noch keine Abweichung geprüft.',
  'reliability.reviewLine': '{disagreements}: {resolved} aufgelöst{by}, {open} offen.',
  'reliability.disagreements': { one: '# Abweichung', other: '# Abweichungen' },
  'reliability.method': 'Methode',
  'reliability.perCode': 'Übereinstimmung je Code',
  'reliability.noIntervalAny': 'irgendeinen Code',
  'reliability.noInterval': 'Kein 95-%-KI für {codes}: {warning}.',
  'reliability.code': 'Code',
  'reliability.ci': '95-%-KI',
  'reliability.interpretation': 'Deutung',
  'reliability.percentAgreement': '% Übereinstimmung',
  'reliability.flags': 'Markierungen',
  'reliability.intervalNote':
    '95-%-KI: {method} ({samples} Stichprobenwiederholungen, Seed {seed}), angegeben, wenn mindestens {minimum} Transkripte von beiden Codierenden codiert wurden; * kennzeichnet ein Näherungsintervall (weniger als 10 Transkripte).',
  'reliability.intervalNoteMore':
    'Das Dashboard zeigt dieselben Intervalle. Nicht definierte Werte (0/0) erscheinen als „undefiniert“ mit ihrem Grund.',
  'reliability.noIntervalFor': 'Kein Intervall für {codes}: {warning}.',
  'reliability.undefined': 'undefiniert',
  'reliability.pairs': 'Paare von Codierenden',
  'reliability.pair': 'Paar',
  'reliability.transcripts': 'Transkripte',
  'reliability.decisions': 'Entscheidungen',
  'reliability.transcript': 'Transkript',
  'reliability.passage': 'Passage',
  'reliability.codes': 'Codes',
  'reliability.decision': 'Entscheidung',
  'reliability.by': 'Von',
  'reliability.when': 'Wann (UTC)',
  'reliability.rationale': 'Begründung',
  'reliability.noDecision': 'Keine Entscheidung erfasst.',
  'reliability.length': 'Länge',
  'reliability.codersColumn': 'Codierende',
  'reliability.snapshots': 'Schnappschüsse',
  'reliability.document': 'Dokument',
  'reliability.references': 'Literatur',
  'reliability.mode.blind': 'verblindet',
  'reliability.mode.open': 'offen',

  'method.assessed':
    'Die Intercoder-Reliabilität wurde an {selection} geprüft, jeweils codiert von {perTranscript} der {coders} Codierenden ({names}) mit {codebook}.',
  'method.sample':
    'einer Zufallsstichprobe von {n} aus {population} Transkripten ({percent}\u00a0%, gezogen mit Seed {seed})',
  'method.selected': {
    one: '# vom Forschungsteam ausgewählten Transkript',
    other: '# vom Forschungsteam ausgewählten Transkripten',
  },
  'method.or': ' oder ',
  'method.frozenCodebook': {
    one: 'dem zu Beginn der Runde eingefrorenen Codebuch (# Code; SHA-256 {digest}…)',
    other: 'dem zu Beginn der Runde eingefrorenen Codebuch (# Codes; SHA-256 {digest}…)',
  },
  'method.projectCodebook': 'dem Codebuch des Projekts',
  'method.blind':
    'Die Codierenden arbeiteten unabhängig voneinander und konnten die Codierungen, Cursor und Markierungen der anderen nicht sehen, bis die Runde aufgedeckt wurde; der Server setzte dies durch und protokollierte jedes Aufdecken.',
  'method.open': 'Die Codierenden konnten die Codierungen der anderen beim Codieren sehen (eine offene Runde).',
  'method.forced':
    'Die Runde wurde aufgedeckt, bevor alle Codierenden ihre Transkripte als fertig markiert hatten (erzwungenes Aufdecken); manche Ebenen sind daher womöglich unvollständig.',
  'method.computed':
    'Die Übereinstimmung wurde je Code mit Accord {version} berechnet, wobei {unit} als Analyseeinheit diente{coverage}: Für jeden Code wurde jede Einheit bei jeder codierenden Person als codiert oder nicht codiert eingestuft; sich überlappende Codierungen derselben Person zählten einmal, und wem ein Transkript nicht zugewiesen war, galt dort als fehlend.',
  'method.coverageAtLeast':
    'eine Einheit galt als codiert, wenn eine Codierung mindestens {percent}\u00a0% von ihr abdeckte',
  'method.coverageAny': 'eine Einheit galt als codiert, wenn eine Codierung irgendeinen Teil von ihr abdeckte',
  'method.coefficients':
    'Die Tabellen wurden über die Transkripte hinweg zusammengefasst. Berichtet werden die prozentuale Übereinstimmung, {kappa} ({kappaCitation}), {chanceFree}, {ac1} (Gwet, 2008) und {alpha} (nominal; Krippendorff, 2004).',
  'method.pabak': 'PABAK (Byrt, Bishop & Carlin, 1993)',
  'method.brennanPrediger': 'der Koeffizient von Brennan und Prediger (Brennan & Prediger, 1981)',
  'method.noIntervals':
    'Es werden keine Konfidenzintervalle angegeben: Die Runde umfasst {transcripts}, ein Intervall braucht mindestens {minimum} (Einheiten innerhalb eines Transkripts sind nicht unabhängig, daher werden Transkripte neu gezogen, und ein Bootstrap über weniger Transkripte hat zu wenige verschiedene Stichprobenwiederholungen für ein Intervall).',
  'method.transcripts': { one: '# Transkript', other: '# Transkripte' },
  'method.intervals':
    'Da Zeichen und Segmente innerhalb eines Transkripts keine unabhängigen Einheiten sind, wurden 95-%-Konfidenzintervalle mit einem {method} ermittelt ({samples} Stichprobenwiederholungen, Seed {seed}), für Codes, die in mindestens {minimum} Transkripten von beiden Codierenden codiert wurden.',
  'method.withoutInterval':
    'Für {codes} wird kein Intervall angegeben (zu wenige von beiden Codierenden codierte Transkripte, oder der Koeffizient ist in zu vielen Stichprobenwiederholungen undefiniert).',
  'method.fewTranscripts':
    'Bei weniger als 10 Transkripten sind diese Intervalle nur Näherungen und fallen meist zu schmal aus.',
  'method.range': '{kappa} lag über {codes} zwischen {min} und {max}.',
  'method.rangeUndefined': '{kappa} war für keinen Code definiert ({codes}).',
  'method.codes': { one: '# Code', other: '# Codes' },
  'method.thresholds':
    'Codes mit Kappa unter {kappa} wurden zur Besprechung markiert, Alpha unter {alpha} galt als nicht reliabel (Landis & Koch, 1977; Krippendorff, 2004){flagged}.',
  'method.flagged': '; markiert: {codes}',
  'method.notRevealed':
    'Die Runde war bei Erstellung dieses Berichts noch nicht aufgedeckt: Die Zahlen stammen aus den aktuellen Ebenen der Codierenden, und es war noch keine Abweichung geprüft.',
  'method.noDisagreement':
    'Die Ebenen der Codierenden wichen an keiner Passage voneinander ab; es gab also nichts aufzulösen.',
  'method.noneResolved':
    'Von {disagreements} zwischen den Codierenden war bei Erstellung dieses Berichts keine aufgelöst; die Konsensebene enthält nur die Codierungen, die in jeder Ebene gleich sind.',
  'method.allResolved': {
    one: 'Die einzige Abweichung zwischen den Codierenden wurde von {by} in einer Konsensebene aufgelöst; die Entscheidung ist mit entscheidender Person, Zeitpunkt und Begründung festgehalten.',
    other:
      'Alle # Abweichungen zwischen den Codierenden wurden von {by} in einer Konsensebene aufgelöst; jede Entscheidung ist mit entscheidender Person, Zeitpunkt und Begründung festgehalten.',
  },
  'method.someResolved': {
    one: 'Von {disagreements} zwischen den Codierenden wurde # von {by} in einer Konsensebene aufgelöst (jede Entscheidung mit entscheidender Person, Zeitpunkt und Begründung festgehalten); bei Erstellung dieses Berichts noch offen: {open}, die Konsensebene ist daher unvollständig.',
    other:
      'Von {disagreements} zwischen den Codierenden wurden # von {by} in einer Konsensebene aufgelöst (jede Entscheidung mit entscheidender Person, Zeitpunkt und Begründung festgehalten); bei Erstellung dieses Berichts noch offen: {open}, die Konsensebene ist daher unvollständig.',
  },
  'method.adjudicator': '{name} ({decisions})',
  'method.changes': {
    one: 'Während der Prüfung wurde # Codedefinition geändert; jede Änderung ist mit der Runde festgehalten.',
    other: 'Während der Prüfung wurden # Codedefinitionen geändert; jede Änderung ist mit der Runde festgehalten.',
  },
  'method.reproduce':
    'Die Ebenen der Codierenden wurden beim Aufdecken als Schnappschüsse gesichert (ihre SHA-256-Prüfsummen stehen im Bericht); `accord agreement` auf der exportierten Eingabe reproduziert jede Zahl.',
  'list.and': '{rest} und {last}',

  'unit.character': 'das Zeichen (UTF-16-Codeeinheit des Transkripttexts)',
  'unit.sentence': 'der Satz',
  'unit.paragraph': 'der Absatz',
  'unit.speakerTurn': 'der Sprecherbeitrag',
  'unit.transcript': 'das ganze Transkript (Vorkommen oder Fehlen jedes Codes)',
  'unit.cut': '{unit} ({cut}; Accord-Segmentierungsversion {version})',
  'unit.cut1.sentence': 'Sätze enden nach „.“, „!“, „?“ oder „…“ mit folgendem Leerraum oder an einem Zeilenumbruch',
  'unit.cut1.paragraph': 'Absätze sind Textzeilen',
  'unit.cut1.speakerTurn': 'Sprecherbeiträge wie beim Import erfasst oder beginnend an Beschriftungen „Name:“',
  'unit.cut2.sentence':
    'Satzgrenzen nach den Unicode-Regeln der Textsegmentierung (UAX #29) in der Sprache des jeweiligen Transkripts',
  'unit.cut2.paragraph': 'Absätze sind Textzeilen, auch durch Unicode-Zeilen- und -Absatztrenner beendet',
  'unit.cut2.speakerTurn':
    'Sprecherbeiträge wie beim Import erfasst oder beginnend an Sprecherbeschriftungen in beliebiger Schrift',
  'unitName.character': 'Zeichen',
  'unitName.sentence': 'Satz',
  'unitName.paragraph': 'Absatz',
  'unitName.speakerTurn': 'Sprecherbeitrag',
  'unitName.transcript': 'Transkript',

  'coefficient.cohenKappa': 'Cohens Kappa',
  'coefficient.fleissKappa': 'Fleiss’ Kappa',
  'coefficient.krippendorffAlpha': 'Krippendorffs Alpha',
  'coefficient.gwetAc1': 'Gwets AC1',
  // Landis & Koch (1977) and Krippendorff (2004) as the interface renders them (client/src/i18n/messages/de.json).
  'interpretation.almostPerfect': 'fast vollkommen',
  'interpretation.substantial': 'beträchtlich',
  'interpretation.moderate': 'mittelmäßig',
  'interpretation.fair': 'ausreichend',
  'interpretation.slight': 'gering',
  'interpretation.poor': 'schlecht',
  'interpretation.reliable': 'reliabel',
  'interpretation.tentative': 'vorläufig',
  'interpretation.unreliable': 'nicht reliabel',
  'flag.discuss': 'besprechen',
  'flag.unreliable': 'nicht reliabel',
  'interval.method': 'Perzentil-Bootstrap über Transkripte',
  'interval.tooFew': {
    one: '# Transkript von beiden Codierenden codiert; ein Intervall braucht mindestens {minimum} (Bootstrap über Transkripte)',
    other:
      '# Transkripte von beiden Codierenden codiert; ein Intervall braucht mindestens {minimum} (Bootstrap über Transkripte)',
  },
  'interval.undefinedIn':
    'der Koeffizient ist in {undefined} von {total} Stichprobenwiederholungen der Transkripte undefiniert',
  'interval.approximate':
    'ungefähr: nur {transcripts} Transkripte (ein Bootstrap über wenige Transkripte fällt meist zu schmal aus)',
  'interval.notComputed':
    'Intervalle werden aus den Schnappschüssen beim Aufdecken berechnet, sobald die Runde aufgedeckt ist',
  'reason.noUnits': 'keine Einheiten',
  'reason.noUnitsForPair':
    'keine Einheiten für dieses Paar (keiner der beiden Codierenden war hier ein Dokument zugewiesen, oder es ist leer)',
  'reason.kappaAllOrNone':
    'beide Codierenden codierten alle Einheiten oder keine, daher ist die Zufallsübereinstimmung 1 und Kappa 0/0',
  'reason.piAllOrNone':
    'beide Codierenden codierten alle Einheiten oder keine, daher ist die Zufallsübereinstimmung 1 und Pi 0/0',
  'reason.alphaSameValue':
    'jede Einheit hat denselben Wert (alle codiert oder alle nicht codiert), daher ist Alpha 0/0',
  'reason.undefinedInEveryDocument': 'in jedem Dokument dieses Paars undefiniert',
  'reason.noUnitByBoth': 'keine Einheit wurde von beiden Codierenden eingestuft',
  'reason.oneCategoryPair':
    'beide Codierenden ordneten jede Einheit ein und derselben Kategorie zu, daher ist die Zufallsübereinstimmung 1 und Kappa 0/0',
  'reason.noPairs': 'keine Einheit hat Einstufungen von zwei oder mehr Codierenden',
  'reason.oneCategoryKappa':
    'alle Einstufungen liegen in einer Kategorie, daher ist die Zufallsübereinstimmung 1 und Kappa 0/0',
  'reason.gwetCategories': 'Gwets Zufallsübereinstimmung braucht mindestens zwei Kategorien',
  'reason.oneCategoryChance':
    'bei nur einer Kategorie ist die Zufallsübereinstimmung 1/q gleich 1 und der Koeffizient 0/0',
  'reason.alphaAlike': 'alle paarbaren Werte sind gleich, daher ist die erwartete Nichtübereinstimmung 0 und Alpha 0/0',
  'reason.fewerThanTwo': 'weniger als zwei paarbare Werte',
  'decision.keepA': 'Codierung von {coder} behalten',
  'decision.keepB': 'Codierung von {coder} behalten',
  'decision.merge': 'beide Codierungen zusammengeführt',
  'decision.drop': 'beide Codierungen verworfen',
  'decision.recode': 'die Passage umcodiert',
  'decision.recodeAs': 'die Passage als „{code}“ umcodiert',
  'decision.agreed': 'in jeder Ebene gleich (beim Aufdecken übereinstimmend)',

  'final.title': 'Abschlussbericht: {name}',
  'final.themes': { one: '# Thema ({final} abgeschlossen)', other: '# Themen ({final} abgeschlossen)' },
  'final.generated': 'erstellt {date}',
  'final.counted': 'Was gezählt wird.',
  'final.unthemed': 'Codes in keinem Thema',
  'final.noCodes': 'Keine Codes.',
  'final.code': 'Code',
  'final.definition': 'Definition',
  'final.codings': 'Codierungen',
  'final.transcripts': 'Transkripte',
  'final.agreementWhenFinalised': 'Übereinstimmung beim Finalisieren',
  'final.neverDoubleCoded': 'nie doppelt codiert',
  'final.underThreshold': '(unter der Schwelle)',
  'final.subTheme': 'Unterthema: ',
  'final.finalised': 'Finalisiert am {date} mit {round}',
  'final.onRound': 'Runde „{name}“',
  'final.noRound': 'keiner aufgedeckten Runde',
  'final.finalisedReport': ' (Bericht {digest}…, Einheit {unit})',
  'final.acknowledged': '; Reliabilitätswarnungen wurden bestätigt',
  'final.asChosen': ' (Passage inzwischen aus dem Transkript entfernt; Text wie ausgewählt)',
  'final.definitionLabel': 'Definition.',
  'final.notDefined': 'noch nicht definiert',
  'final.memo': 'Memo.',
  'final.themeCounts': '{codings} in {transcripts} ({participants}).',
  'final.quotes': 'Repräsentative Zitate',
  'final.noQuotes': 'Noch keine Zitate ausgewählt.',
  'final.reliability': 'Reliabilität',
  'final.latestRound':
    'Zuletzt aufgedeckte Runde: {name}, aufgedeckt am {date} (Bericht {digest}…). Mittleres Kappa {kappa}, mittleres Alpha {alpha} über {codes} Codes; Schwellen: Kappa {kappaThreshold}, Alpha {alphaThreshold}.',
  'final.alpha': 'Krippendorffs Alpha',
  'final.flags': 'Markierungen',
  'final.kappa': 'Kappa',
  'final.status.candidate': 'Kandidat',
  'final.status.reviewed': 'geprüft',
  'final.status.final': 'abgeschlossen',
  'final.noRevealedRound': 'Noch ist keine Runde aufgedeckt',
  'final.blindRoundRuns': 'Die zuletzt aufgedeckte Runde können Sie nicht lesen, solange eine verblindete Runde läuft',
  'final.codingCount': { one: '# Codierung', other: '# Codierungen' },
  'final.transcriptCount': { one: '# Transkript', other: '# Transkripten' },
  'final.participantCount': { one: '# teilnehmende Person', other: '# Teilnehmende' },
  'counted.text': 'Gezählt: {what}; gelesene Ebenen: {layers}.',
  'counted.textMerged': 'Gezählt: {what}; gelesene Ebenen: {layers}; {rule}.',
  'counted.all': 'alle Codierungen, die Sie sehen (Konsens und alle Codierenden, zusammengeführt)',
  'counted.coder': 'die Codierungen von {name}',
  'counted.consensus': 'nur die Konsensebene',
  'counted.consensusElseCoders':
    'die Konsensebene, wo ein Transkript eine hat, sonst die zusammengeführten Codierungen seiner Codierenden',
  'counted.round': 'der Stand der Runde „{name}“ beim Aufdecken (die Codierungen ihrer Codierenden, zusammengeführt)',
  'counted.noLayers': 'keine mit Codierungen',
  'counted.rule':
    'eine Passage, die in mehreren Ebenen mit demselben Code (gleicher Anfang und gleiches Ende) codiert ist, zählt einmal, als ein Segment, das jede codierende Ebene nennt',
  'layer.consensus': 'Konsens',
  'layer.merged': 'Zusammengeführt',
  'segments.meta': {
    one: '{description} · # Segment · gedruckt {date}',
    other: '{description} · # Segmente · gedruckt {date}',
  },
  'segments.memo': 'Memo: {memo}',
  'codebook.title': 'Codebuch: {name}',
  'codebook.definition': 'Definition',
  'codebook.inclusion': 'Einschlusskriterien',
  'codebook.exclusion': 'Ausschlusskriterien',
  'codebook.examples': 'Beispiele',
};
