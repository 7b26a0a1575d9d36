/**
 * REFI-QDA gives a code one `Description`; Accord keeps a definition, inclusion and exclusion criteria and
 * examples. Export writes them into the description under fixed headings and import splits them back, so an
 * Accord codebook survives a round trip and other tools still show all of it as readable text.
 */
export interface CodeTexts {
  definition: string;
  inclusion: string;
  exclusion: string;
  examples: string;
}

const SECTIONS = [
  ['inclusion', 'Inclusion criteria:'],
  ['exclusion', 'Exclusion criteria:'],
  ['examples', 'Examples:'],
] as const;

export function composeDescription(texts: CodeTexts): string {
  const parts = texts.definition === '' ? [] : [texts.definition];
  for (const [field, heading] of SECTIONS) {
    if (texts[field] !== '') parts.push(`${heading}\n${texts[field]}`);
  }
  return parts.join('\n\n');
}

/** Inverse of `composeDescription`; a description from another tool becomes the definition as it is. */
export function splitDescription(description: string): CodeTexts {
  const texts: CodeTexts = { definition: '', inclusion: '', exclusion: '', examples: '' };
  let owner: keyof CodeTexts = 'definition';
  let ownerStart = 0;
  for (const [field, heading] of SECTIONS) {
    const atStart = ownerStart === 0 && description.startsWith(`${heading}\n`);
    const index = atStart ? 0 : description.indexOf(`\n\n${heading}\n`, ownerStart);
    if (index < 0) continue;
    texts[owner] = description.slice(ownerStart, index);
    owner = field;
    ownerStart = index + (atStart ? 0 : 2) + heading.length + 1;
  }
  texts[owner] = description.slice(ownerStart);
  return texts;
}
