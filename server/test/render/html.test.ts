import { describe, expect, it } from 'vitest';
import { cssColour, escapeHtml, Html, type HtmlValue, html, htmlDocument, joinHtml } from '../../src/render/html.js';

describe('html`` escapes every value that is not a fragment', () => {
  const cases: [string, HtmlValue, string][] = [
    ['plain text', 'Stigma', '<p>Stigma</p>'],
    ['markup in text', '<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
    ['ampersand', 'Cost & money', '<p>Cost &amp; money</p>'],
    ['quotes', `"double" and 'single'`, '<p>&quot;double&quot; and &#39;single&#39;</p>'],
    ['already escaped text is escaped again', '&lt;b&gt;', '<p>&amp;lt;b&amp;gt;</p>'],
    ['a number', -0.25, '<p>-0.25</p>'],
    ['null', null, '<p></p>'],
    ['undefined', undefined, '<p></p>'],
    ['false', false, '<p></p>'],
    ['a fragment stays markup', html`<b>${'<i>'}</b>`, '<p><b>&lt;i&gt;</b></p>'],
    ['a list of text and fragments', ['<a>', html`<br>`, 2], '<p>&lt;a&gt;<br>2</p>'],
    // What a document can hold that the types did not foresee: shown as text, never markup.
    [
      'an object',
      { toString: () => '<img src=x onerror=alert(1)>' } as unknown as string,
      '<p>&lt;img src=x onerror=alert(1)&gt;</p>',
    ],
    ['a boolean true', true as unknown as string, '<p>true</p>'],
  ];
  for (const [what, value, expected] of cases) it(what, () => expect(String(html`<p>${value}</p>`)).toBe(expected));

  it('keeps an attribute closed whatever the value', () => {
    const value = 'x" onmouseover="alert(1)';
    expect(String(html`<span title="${value}"></span>`)).toBe(
      '<span title="x&quot; onmouseover=&quot;alert(1)"></span>',
    );
  });

  it('cannot be forged: no string or object becomes a fragment', () => {
    expect(() => new Html(Symbol('Html'), '<script>')).toThrow(TypeError);
    const lookalike = { toString: () => '<script>x</script>' };
    expect(String(html`${lookalike as unknown as Html}`)).toBe('&lt;script&gt;x&lt;/script&gt;');
  });

  it('joins fragments with a markup separator', () => {
    expect(String(joinHtml([html`<li>a</li>`, '<li>b</li>'], html`\n`))).toBe('<li>a</li>\n&lt;li&gt;b&lt;/li&gt;');
  });

  it('escapes text the same way everywhere', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('writes a whole page with an escaped title', () => {
    const page = htmlDocument({ title: '</title><script>', style: html`body{color:#111}`, body: html`<p>hi</p>` });
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).toContain('<title>&lt;/title&gt;&lt;script&gt;</title>');
    expect(page).not.toContain('<script');
    expect(page.endsWith('</html>\n')).toBe(true);
  });
});

describe('cssColour lets only hex colours into a style', () => {
  const cases: [unknown, string | null][] = [
    ['#e69f00', '#e69f00'],
    ['#E69F00', '#e69f00'],
    ['#abc', '#aabbcc'],
    [' #abc ', '#aabbcc'],
    ['e69f00', '#e69f00'],
    ['red', null],
    ['red"><script>alert(1)</script>', null],
    ['#e69f00;background-image:url(http://x)', null],
    ['#e69f0', null],
    ['#e69f00ff', null],
    ['rgb(1,2,3)', null],
    ['', null],
    [null, null],
    [undefined, null],
    [0xe69f00, null],
    [{}, null],
  ];
  for (const [value, expected] of cases)
    it(JSON.stringify(value) ?? String(value), () => expect(cssColour(value)).toBe(expected));
});
