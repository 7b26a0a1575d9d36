import { randomUUID } from 'node:crypto';
import type { BundleCode } from '../interchange/bundle.js';
import { ImportError } from './errors.js';
import { decodeText } from './text.js';

/**
 * A codebook typed as a list, the quickest way to load a deductive framework: one code per line, nesting by
 * indentation or Markdown (headings, then `-`/`*`/`1.` bullets under them), and an optional definition after the
 * name, separated by `: ` or ` - ` (en and em dashes too). `**bold**` names are unwrapped. Blank lines and lines
 * that are only a Markdown rule are skipped.
 *
 *     Groupthink
 *       Illusion of invulnerability: excessive optimism that encourages extreme risks
 *       Collective rationalisation: members discount warnings
 */
export function readCodebookList(file: string, bytes: Uint8Array): BundleCode[] {
  return codesFromList(file, decodeText(file, bytes));
}

const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^(?:[-*+•]|\d{1,3}[.)])\s+/;
const DEFINITION_SEPARATOR = /:\s+|\s+[-–—]\s+/;
const RULE = /^(?:[-*_]\s*){3,}$/;

export function codesFromList(file: string, text: string): BundleCode[] {
  const codes: BundleCode[] = [];
  // Open ancestors: the indentation (or heading depth) that opened each, and the code.
  const stack: { level: number; code: BundleCode }[] = [];
  const siblings = new Set<string>();
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\s+$/, '');
    if (line.trim() === '' || RULE.test(line.trim())) return;
    const heading = HEADING.exec(line.trim());
    // Headings rank above any bullet; bullets rank by indentation (a tab counts as four spaces).
    const indent = line.length - line.trimStart().length + (line.match(/^\t*/)?.[0].length ?? 0) * 3;
    const level = heading === null ? 100 + indent : heading[1]!.length;
    const content = heading === null ? line.trim().replace(BULLET, '') : heading[2]!;
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
    const separator = DEFINITION_SEPARATOR.exec(content);
    const rawName = separator === null ? content : content.slice(0, separator.index);
    const name = rawName
      .replace(/^\*\*(.*)\*\*$/, '$1')
      .replace(/^__(.*)__$/, '$1')
      .trim();
    const definition = separator === null ? '' : content.slice(separator.index + separator[0].length).trim();
    if (name === '') throw new ImportError(file, 'bad_csv', `line ${index + 1} has a definition but no code name`);
    const parent = stack[stack.length - 1]?.code ?? null;
    const siblingKey = `${parent?.guid ?? ''}\u0000${name}`;
    if (siblings.has(siblingKey)) {
      throw new ImportError(file, 'bad_csv', `line ${index + 1}: code "${name}" appears twice under the same parent`);
    }
    siblings.add(siblingKey);
    const code: BundleCode = {
      guid: randomUUID(),
      name,
      parentGuid: parent?.guid ?? null,
      colour: null,
      definition,
      inclusion: '',
      exclusion: '',
      examples: '',
    };
    codes.push(code);
    stack.push({ level, code });
  });
  if (codes.length === 0) throw new ImportError(file, 'empty_file', 'the codebook has no codes');
  return codes;
}
