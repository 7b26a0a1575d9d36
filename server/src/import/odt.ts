import { XMLParser } from 'fast-xml-parser';
import { readArchive } from './archive.js';
import { ImportError } from './errors.js';
import type { ImportLimits } from './limits.js';
import { normaliseText } from './text.js';
import { refuseEntityDeclarations } from './xml.js';

/**
 * OpenDocument text: `content.xml` through a real XML parser (document order kept), then the paragraphs and
 * headings of the body as text, one per paragraph separated by a blank line like the Word import, so speaker
 * detection sees the same shape from both. Spaces (`text:s`), tabs and line breaks are ODF elements, not
 * characters, and are expanded here.
 */
export async function readOdt(file: string, bytes: Uint8Array, limits: ImportLimits): Promise<string> {
  const archive = await readArchive(file, bytes, limits);
  const content = archive.get('content.xml');
  if (content === undefined)
    throw new ImportError(file, 'unsupported_format', 'not an OpenDocument text (no content.xml)');
  const xml = Buffer.from(content).toString('utf8');
  refuseEntityDeclarations(file, xml, 'content.xml');
  let tree: OrderedNode[];
  try {
    tree = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      trimValues: false,
      parseTagValue: false,
      processEntities: true,
    }).parse(xml) as OrderedNode[];
  } catch (error) {
    throw new ImportError(file, 'bad_xml', `content.xml is not well-formed XML (${(error as Error).message})`);
  }
  const body = findElement(tree, 'office:document-content', 'office:body', 'office:text');
  if (body === undefined) throw new ImportError(file, 'unsupported_format', 'not an OpenDocument text document');
  const paragraphs: string[] = [];
  // `<text:s text:c="N"/>` writes N spaces in a few bytes: together they may add no more than content.xml's own
  // size, or a small file would expand into gigabytes of spaces (real documents use a few per element).
  const spaces = { left: content.byteLength, file };
  collectParagraphs(body, paragraphs, spaces);
  return normaliseText(paragraphs.join('\n\n')).trimEnd();
}

/** fast-xml-parser's ordered form: each node is `{ tagName: children, ':@'?: attributes }` or `{ '#text': value }`. */
type OrderedNode = Record<string, unknown>;

const PARAGRAPH_ELEMENTS = new Set(['text:p', 'text:h']);

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@');
}

function childrenOf(node: OrderedNode): OrderedNode[] {
  const tag = tagOf(node);
  const children = tag === undefined ? undefined : node[tag];
  return Array.isArray(children) ? (children as OrderedNode[]) : [];
}

function findElement(nodes: OrderedNode[], ...path: string[]): OrderedNode[] | undefined {
  let current = nodes;
  for (const name of path) {
    const next = current.find((node) => tagOf(node) === name);
    if (next === undefined) return undefined;
    current = childrenOf(next);
  }
  return current;
}

/** What `text:s` elements may still add, in spaces. */
interface SpaceBudget {
  left: number;
  file: string;
}

function collectParagraphs(nodes: OrderedNode[], paragraphs: string[], spaces: SpaceBudget): void {
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === undefined) continue;
    if (PARAGRAPH_ELEMENTS.has(tag)) paragraphs.push(inlineText(childrenOf(node), spaces));
    // Lists, sections and tables hold paragraphs; tracked-change and annotation bodies are not document text.
    else if (!tag.startsWith('office:annotation') && tag !== 'text:tracked-changes') {
      collectParagraphs(childrenOf(node), paragraphs, spaces);
    }
  }
}

function inlineText(nodes: OrderedNode[], spaces: SpaceBudget): string {
  let text = '';
  for (const node of nodes) {
    const tag = tagOf(node);
    // ODF collapses runs of white space in text like HTML; real spaces are `text:s` elements.
    if (tag === '#text') text += String(node['#text']).replace(/[ \t\r\n]+/g, ' ');
    else if (tag === 'text:s') text += spaceRun(node, spaces);
    else if (tag === 'text:tab') text += '\t';
    else if (tag === 'text:line-break') text += '\n';
    else if (tag === 'text:note' || tag === 'office:annotation' || tag === 'office:annotation-end') continue;
    else if (tag !== undefined) text += inlineText(childrenOf(node), spaces);
  }
  return text;
}

function spaceRun(node: OrderedNode, spaces: SpaceBudget): string {
  const count = Number((node[':@'] as Record<string, string> | undefined)?.['text:c'] ?? 1);
  const run = Number.isSafeInteger(count) && count > 0 ? count : 1;
  spaces.left -= run;
  if (spaces.left < 0) {
    throw new ImportError(
      spaces.file,
      'unsupported_format',
      'content.xml asks for more spaces (text:s) than it has bytes; the document looks crafted',
    );
  }
  return ' '.repeat(run);
}
