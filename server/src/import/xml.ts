import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ImportError } from './errors.js';

/** An element as fast-xml-parser gives it: attributes under `@_name`, children by tag name, text under `#text`. */
export type XmlElement = { [key: string]: unknown };

/**
 * Parses XML with a real parser after a well-formedness check (so a truncated or corrupt file is refused with its
 * line, not half-read). Namespace prefixes are dropped from tag names (`qda:Project` is `Project`), since real
 * files bind the REFI-QDA namespace with and without a prefix; the `xmlns` attributes stay for the caller to check.
 * Tags in `repeated` always come back as arrays, even when they occur once.
 */
export function parseXml(file: string, source: string, repeated: ReadonlySet<string>): XmlElement {
  const xml = source.startsWith('\uFEFF') ? source.slice(1) : source;
  refuseEntityDeclarations(file, xml);
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { line, msg } = validation.err;
    throw new ImportError(file, 'bad_xml', `not well-formed XML (line ${line}: ${msg})`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    transformTagName: (name) => name.replace(/^[^:]+:/, ''),
    isArray: (name) => repeated.has(name),
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    // Character references (`&#x1F600;`) are XML, not HTML, but fast-xml-parser decodes them only with this on.
    htmlEntities: true,
  });
  try {
    return parser.parse(xml) as XmlElement;
  } catch (error) {
    // The validator and the parser disagree on some damage (an unclosed processing instruction...).
    throw new ImportError(file, 'bad_xml', `not well-formed XML (${(error as Error).message})`);
  }
}

/**
 * Refuses XML that declares entities or points to an external DTD, before any parser sees it. Entities are how XML
 * reads files off the server (`<!ENTITY x SYSTEM "file:///etc/passwd">`) or grows a few bytes into gigabytes
 * (nested "billion laughs"); and a parser that expands some and not others stores whatever it left. No file Accord
 * imports needs them (REFI-QDA, ODF and OOXML have no DOCTYPE), so the whole document is searched for a
 * declaration, wherever it stands (a parser may honour a DOCTYPE past the prolog), and the file is refused. A DOCTYPE
 * that only names the root element, or declares elements and attributes, is harmless and kept.
 */
export function refuseEntityDeclarations(file: string, xml: string, part?: string): void {
  const what = part === undefined ? 'the XML' : part;
  if (/<!ENTITY/i.test(xml)) {
    throw new ImportError(
      file,
      'bad_xml',
      `${what} declares XML entities (<!ENTITY ...>), which Accord does not read; export the file again without a DOCTYPE`,
    );
  }
  let doctypes = 0;
  for (const match of xml.matchAll(/<!DOCTYPE/gi)) {
    // A document has one DOCTYPE at most; stopping at the second also keeps this scan linear in the file's size.
    doctypes += 1;
    if (doctypes > 1) throw new ImportError(file, 'bad_xml', `${what} has more than one DOCTYPE`);
    // The DOCTYPE's own header, up to its internal subset or its end: an external identifier stands there.
    const header = /^<!DOCTYPE(?:[^[>"']|"[^"]*"|'[^']*')*/i.exec(xml.slice(match.index, match.index + 4096))?.[0];
    if (header === undefined || /\b(?:SYSTEM|PUBLIC)\b/i.test(header)) {
      throw new ImportError(
        file,
        'bad_xml',
        `${what} refers to an external DTD (<!DOCTYPE ... SYSTEM/PUBLIC>), which Accord does not read; export the file again without a DOCTYPE`,
      );
    }
  }
}

export function attribute(element: XmlElement, name: string): string | undefined {
  const value = element[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  const value = element[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'object' && first !== null ? (first as XmlElement) : undefined;
}

export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  if (element === undefined) return [];
  const value = element[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  // An empty element (`<Code/>`) parses as '' rather than an object; it is still an element, with nothing in it.
  return list.map((item) => (typeof item === 'object' && item !== null ? (item as XmlElement) : {}));
}

/** The text content of a child element (`<Description>...</Description>`), '' when absent. */
export function childText(element: XmlElement, name: string): string {
  const value = element[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null) {
    const text = (first as XmlElement)['#text'];
    return typeof text === 'string' ? text : '';
  }
  return '';
}
