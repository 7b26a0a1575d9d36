import { foldedIncludes, foldQuery, foldText, originalRange } from '@accord/shared/text/index';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Every [start, end) of `query` in `text`, folded, mapped back to the original text. */
function find(text: string, query: string, options = {}) {
  const folded = foldText(text, options);
  const needle = foldQuery(query, options);
  const found: string[] = [];
  for (let at = folded.text.indexOf(needle); at >= 0; at = folded.text.indexOf(needle, at + 1)) {
    const range = originalRange(folded, at, at + needle.length);
    if (range) found.push(`${range[0]}:${text.slice(range[0], range[1])}`);
  }
  return found;
}

describe('folding for search', () => {
  it.each([
    ['German sharp s, both ways', 'Die Straße ist lang', 'STRASSE', ['4:Straße']],
    ['sharp s against "ss"', 'Strasse', 'straße', ['0:Strasse']],
    [
      'Turkish dotted capital I',
      'İstanbul ve Istanbul ve ıstanbul',
      'istanbul',
      ['0:İstanbul', '12:Istanbul', '24:ıstanbul'],
    ],
    ['Greek final sigma', 'ΟΔΥΣΣΕΥΣ και οδυσσευς', 'Οδυσσευς', ['0:ΟΔΥΣΣΕΥΣ', '13:οδυσσευς']],
    ['full-width Latin', 'Ｔｅａｍ ＡＢＣ met', 'team abc', ['0:Ｔｅａｍ ＡＢＣ']],
    ['a ligature', 'a ﬁne day', 'fine', ['2:ﬁne']],
    ['precomposed and decomposed é', 'café and cafe\u0301', 'CAFÉ', ['0:café', '9:cafe\u0301']],
    ['no match inside a character', 'café', 'cafe', []],
    ['no match on half of an expansion', 'Straße', 's', ['0:S']],
    ['astral characters keep exact offsets', '𠮷野家 and 𠮷野家', '野家', ['2:野家', '11:野家']],
  ])('%s', (_name, text, query, expected) => {
    expect(find(text, query)).toEqual(expected);
  });

  it('full-width text is found as a whole word', () => {
    expect(find('Ｔｅａｍ ＡＢＣ met', 'abc')).toEqual(['5:ＡＢＣ']);
  });

  it('case-sensitive folding only normalises', () => {
    expect(find('Café CAFÉ cafe\u0301', 'café', { caseSensitive: true })).toEqual(['10:cafe\u0301']);
    expect(find('Ｔｅａｍ', 'Team', { caseSensitive: true })).toEqual(['0:Ｔｅａｍ']);
  });

  it('marks of one character match in either order (Arabic shadda and fatha)', () => {
    const typed = 'محم\u0651\u064Eد'; // shadda then fatha, as keyboards often type them
    const canonical = typed.normalize('NFC'); // fatha (ccc 30) then shadda (ccc 33)
    expect(typed).not.toBe(canonical);
    expect(find(`قال ${typed}`, canonical)).toEqual([`4:${typed}`]);
  });

  it('diacritics are ignored only when asked', () => {
    const text = 'قال مُحَمَّد إنه résumé';
    expect(find(text, 'محمد')).toEqual([]);
    expect(find(text, 'محمد', { ignoreDiacritics: true })).toEqual(['4:مُحَمَّد']);
    expect(find(text, 'resume', { ignoreDiacritics: true })).toEqual([`${text.indexOf('r')}:résumé`]);
    expect(find('كتـــاب', 'كتاب', { ignoreDiacritics: true })).toEqual(['0:كتـــاب']);
  });

  it('Hebrew niqqud', () => {
    expect(find('שָׁלוֹם וְשָׁלוֹם', 'שלום', { ignoreDiacritics: true })).toEqual(['0:שָׁלוֹם', '10:שָׁלוֹם']);
    expect(find('שָׁלוֹם', 'שלום')).toEqual([]);
  });

  it('every folded code unit has an origin inside the original text', () => {
    const text = 'Aß𠮷é\u0301ﬁİ';
    const folded = foldText(text);
    const origin = folded.origin!;
    expect(origin).toHaveLength(folded.text.length);
    for (const at of origin) expect(at >= 0 && at < text.length).toBe(true);
    expect([...origin]).toEqual([...origin].slice().sort((a, b) => a - b));
    // Text that folding only lowercases needs no origins at all: every unit is at its own offset.
    expect(foldText('Plain TEXT, “quoted” 我们。').origin).toBeNull();
    expect(foldText('Plain TEXT, “quoted” 我们。').text).toBe('plain text, “quoted” 我们。');
  });

  it('capital sigma folds on its own, whatever its neighbours', () => {
    expect(foldText('ΟΔΥΣΣΕΥΣ').text).toBe('οδυσσευσ');
  });

  it('contains, for the retrieval filter', () => {
    expect(foldedIncludes('Die STRASSE war leer', 'straße')).toBe(true);
    expect(foldedIncludes('İstanbul', 'ISTANBUL')).toBe(true);
    expect(foldedIncludes('café', 'cafe')).toBe(false);
    expect(foldedIncludes('anything', '')).toBe(true);
  });

  describe('properties', () => {
    const alphabet = [
      'a',
      'A',
      's',
      'S',
      'ß',
      'e',
      'é',
      'É',
      '\u0301',
      '\u0323',
      'م',
      '\u0651',
      '\u064E',
      'ı',
      'I',
      'Σ',
      'ς',
      'σ',
      '𠮷',
      'Ｆ',
      'ﬁ',
      ' ',
      '我',
      '\u00AD',
    ];
    const texts = fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }).map((parts) => parts.join(''));

    it('canonically equivalent texts fold the same (NFC, NFD, any mark order)', () => {
      fc.assert(
        fc.property(texts, (text) => {
          const folded = foldText(text).text;
          expect(foldText(text.normalize('NFC')).text).toBe(folded);
          expect(foldText(text.normalize('NFD')).text).toBe(folded);
        }),
      );
    });

    it('case variants fold the same', () => {
      fc.assert(
        fc.property(texts, (text) => {
          const folded = foldText(text).text;
          expect(foldText(text.toUpperCase()).text).toBe(folded);
          expect(foldText(text.toLowerCase()).text).toBe(folded);
        }),
      );
    });

    it('a whole text folded maps back to all of it, every origin inside it', () => {
      fc.assert(
        fc.property(texts, (text) => {
          const folded = foldText(text);
          for (let at = 0; at < folded.text.length; at++) {
            const origin = folded.origin === null ? at : folded.origin[at]!;
            expect(origin >= 0 && origin < text.length).toBe(true);
          }
          if (folded.text.length > 0 && !/^\p{M}/u.test(folded.text)) {
            const range = originalRange(folded, 0, folded.text.length)!;
            expect(range[0]).toBe(text.length - text.replace(/^\u00AD+/, '').length);
            expect(range[1]).toBe(text.length);
          }
        }),
      );
    });
  });
});
