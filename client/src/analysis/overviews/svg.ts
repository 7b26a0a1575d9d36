import { createElement, type ReactNode } from 'react';

/**
 * A tiny SVG tree: the figures are built once as data, then rendered on the page as React elements or written out
 * as an `.svg` file (and drawn onto a canvas for `.png`), so the export is exactly the figure the page shows.
 * Attribute names are SVG's own (`text-anchor`, `class`); text is escaped when written.
 */
export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number | undefined>;
  children: SvgChild[];
}
export type SvgChild = SvgNode | string | null | false | undefined;

export function h(tag: string, attrs: SvgNode['attrs'] = {}, ...children: (SvgChild | SvgChild[])[]): SvgNode {
  return { tag, attrs, children: children.flat() };
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Numbers in attributes are written with at most two decimals. */
const attrValue = (value: string | number) =>
  typeof value === 'number' ? String(Math.round(value * 100) / 100) : escapeXml(value);

function write(node: SvgChild, out: string[]): void {
  if (node === null || node === false || node === undefined) return;
  if (typeof node === 'string') {
    out.push(escapeXml(node));
    return;
  }
  out.push(`<${node.tag}`);
  for (const [name, value] of Object.entries(node.attrs)) {
    if (value !== undefined) out.push(` ${name}="${attrValue(value)}"`);
  }
  if (node.children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const child of node.children) write(child, out);
  out.push(`</${node.tag}>`);
}

/** A standalone SVG document (with its namespace and XML declaration). */
export function svgDocument(root: SvgNode): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  write({ ...root, attrs: { xmlns: 'http://www.w3.org/2000/svg', ...root.attrs } }, out);
  return out.join('');
}

const reactName = (name: string) =>
  name === 'class'
    ? 'className'
    : name.startsWith('aria-') || name.startsWith('data-')
      ? name
      : name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The tree as React elements, for the page. */
export function toReact(node: SvgChild, key?: number): ReactNode {
  if (node === null || node === false || node === undefined) return null;
  if (typeof node === 'string') return node;
  const props: Record<string, string | number> = {};
  if (key !== undefined) props.key = key;
  for (const [name, value] of Object.entries(node.attrs)) if (value !== undefined) props[reactName(name)] = value;
  return createElement(node.tag, props, ...node.children.map((child, i) => toReact(child, i)));
}

/** A rough width of `text` at `size` px in a UI sans-serif (no layout engine in a pure builder). */
export function textWidth(text: string, size: number): number {
  let units = 0;
  for (const char of text) units += /[iljtf.,:;'|!()[\] ]/.test(char) ? 0.32 : /[mwMW@%]/.test(char) ? 0.85 : 0.58;
  return units * size;
}

/** `text` cut to fit `width` px at `size` px, with an ellipsis when cut. */
export function fitText(text: string, width: number, size: number): string {
  if (textWidth(text, size) <= width) return text;
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`, size) > width) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/** `text` broken into lines of at most `width` px at `size` px, at spaces. */
export function wrapText(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}
