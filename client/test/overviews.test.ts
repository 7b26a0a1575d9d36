import { wcagContrast } from 'culori';
import { describe, expect, it } from 'vitest';
import { tableCsv } from '../src/analysis/overviews/exportFile.js';
import { barFigure, EXPORT_STYLE, forExport, heatFigure } from '../src/analysis/overviews/figures.js';
import { formatPercent } from '../src/analysis/overviews/rows.js';
import { readableOn, shade } from '../src/analysis/overviews/shade.js';
import { fitText, h, type SvgNode, svgDocument, textWidth, wrapText } from '../src/analysis/overviews/svg.js';

/** Every node of a tree, depth first. */
const nodes = (node: SvgNode): SvgNode[] => [
  node,
  ...node.children.flatMap((child) => (typeof child === 'object' && child ? nodes(child) : [])),
];
const texts = (node: SvgNode) =>
  nodes(node)
    .filter((n) => n.tag === 'text')
    .map((n) => n.children.filter((c): c is string => typeof c === 'string').join(''));

describe('heat-map shading', () => {
  it('keeps every cell number at WCAG AA contrast (4.5:1) on its shade, in both ramps', () => {
    for (const ramp of ['light', 'dark'] as const) {
      for (let i = 1; i <= 200; i++) {
        const cell = shade(i / 200, ramp)!;
        expect(wcagContrast(cell.background, cell.text), `${ramp} ${i / 200}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it.each([
    ['no value', null],
    ['zero', 0],
    ['not a number', Number.NaN],
  ])('leaves %s unshaded', (_name, share) => {
    expect(shade(share, 'light')).toBeNull();
  });

  it('deepens with the value and caps above the largest', () => {
    const lightness = (share: number) => wcagContrast(shade(share, 'light')!.background, '#ffffff');
    expect(lightness(0.2)).toBeLessThan(lightness(0.6));
    expect(lightness(0.6)).toBeLessThan(lightness(1));
    expect(shade(3, 'light')).toEqual(shade(1, 'light'));
  });

  it('writes black on pale and white on deep', () => {
    expect(readableOn('#ffffff')).toBe('#000000');
    expect(readableOn('#312e81')).toBe('#ffffff');
  });
});

describe('percentages', () => {
  it.each([
    [null, '–'],
    [0, '0%'],
    [0.0004, '<0.1%'],
    [0.0123, '1.2%'],
    [0.0999, '10.0%'],
    [0.123, '12%'],
    [1, '100%'],
  ])('%s is written %s', (share, text) => {
    expect(formatPercent(share)).toBe(text);
  });
});

describe('svg text', () => {
  it('escapes text and attributes, and declares the namespace', () => {
    const doc = svgDocument(h('svg', { width: 10, height: 10 }, h('text', { 'data-x': 'a"b<' }, 'Tom & <Jerry>')));
    expect(doc).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
        '<text data-x="a&quot;b&lt;">Tom &amp; &lt;Jerry&gt;</text></svg>',
    );
  });

  it('rounds numbers in attributes and leaves out undefined ones', () => {
    expect(svgDocument(h('rect', { x: 1 / 3, y: undefined }))).toContain(
      '<rect xmlns="http://www.w3.org/2000/svg" x="0.33"/>',
    );
  });

  it('cuts a label to a width with an ellipsis, and wraps a caption at spaces', () => {
    expect(fitText('Short', 200, 12)).toBe('Short');
    const cut = fitText('A rather long code name about barriers to care', 100, 12);
    expect(cut.endsWith('…')).toBe(true);
    expect(textWidth(cut, 12)).toBeLessThanOrEqual(100);
    const lines = wrapText('one two three four five six seven eight nine ten', 60, 11);
    expect(lines.join(' ')).toBe('one two three four five six seven eight nine ten');
    for (const line of lines) expect(line.includes(' ') ? textWidth(line, 11) <= 60 : true).toBe(true);
  });
});

const rows = [
  { label: 'Care', full: 'Care', depth: 0 },
  { label: 'Cost', full: 'Care › Cost', depth: 1 },
];

describe('figures', () => {
  it('draws a shaded table: every label, every number, a title, the caption and the totals', () => {
    const figure = heatFigure({
      title: 'Code matrix: segments',
      caption: 'Counted: all coding you can see.',
      corner: 'Code',
      rows,
      columns: [
        { label: 'Interview 1', full: 'Interview 1 · P1' },
        { label: 'Interview 2', full: 'Interview 2 · P2' },
      ],
      cells: [
        [
          { text: '3', share: 1 },
          { text: '', share: 0 },
        ],
        [
          { text: '1', share: 1 / 3 },
          { text: '2', share: 2 / 3 },
        ],
      ],
      total: { label: 'Total', cells: ['3', '3'] },
    });
    expect(figure.tag).toBe('svg');
    const shown = texts(figure);
    for (const text of [
      'Code matrix: segments',
      'Code',
      'Interview 1',
      'Interview 2',
      'Total',
      'Care',
      'Cost',
      '3',
      '1',
      '2',
    ])
      expect(shown).toContain(text);
    expect(shown.join(' ')).toContain('Counted: all coding you can see.');
    // Shaded cells carry their colour; an empty cell is drawn unshaded, through the theme's class.
    const rects = nodes(figure).filter((n) => n.tag === 'rect' && n.attrs.class !== 'ov-bg');
    expect(rects.filter((r) => r.attrs.fill !== undefined)).toHaveLength(3);
    expect(rects.filter((r) => r.attrs.class === 'ov-empty')).toHaveLength(1);
    expect(Number(figure.attrs.width)).toBeGreaterThan(0);
    expect(figure.attrs['aria-label']).toBe('Code matrix: segments. Counted: all coding you can see.');
  });

  it('draws bars with their values written out, one panel per series; bare leaves title and caption out', () => {
    const figure = (bare: boolean) =>
      barFigure({
        bare,
        title: 'Code frequencies',
        caption: 'Counted: everything.',
        rows,
        series: [
          { name: 'Segments', values: [4, 0], max: 4, format: String },
          { name: 'Transcripts (of 2)', values: [2, 1], max: 2, format: String },
        ],
      });
    const full = texts(figure(false));
    expect(full).toEqual(
      expect.arrayContaining(['Code frequencies', 'Segments', 'Transcripts (of 2)', '4', '0', '2', '1']),
    );
    expect(full).toContain('Counted: everything.');
    expect(nodes(figure(false)).filter((n) => n.tag === 'rect' && n.attrs.class === 'ov-bar')).toHaveLength(3);
    const bare = texts(figure(true));
    expect(bare).not.toContain('Code frequencies');
    expect(bare).not.toContain('Counted: everything.');
  });

  it('embeds the light colours in an exported file', () => {
    const exported = svgDocument(forExport(h('svg', { width: 1, height: 1 })));
    expect(exported).toContain(`<style>${EXPORT_STYLE}</style>`);
  });
});

describe('csv of an overview', () => {
  it('goes through the formula-safe writer, with a byte order mark and CRLF', () => {
    expect(
      tableCsv([
        ['code (segments)', 'Interview 1'],
        ['=Stigma', 2],
        ['Care > "Cost"', -1],
      ]),
    ).toBe('\uFEFFcode (segments),Interview 1\r\n\'=Stigma,2\r\n"Care > ""Cost""",-1\r\n');
  });
});
