/**
 * A transcript's language: a BCP 47 tag (`de`, `zh-Hant`, `ar-EG`) set by whoever imports it, or, when unset, a
 * guess from the Unicode scripts of its letters. The guess names a script's most common language, which is what
 * segmentation needs (sentence and word rules follow the script); it never tells Persian from Arabic or German from
 * English, and Latin-script or mixed text gets no guess (undefined: the platform's default rules).
 */

/** The canonical form of a BCP 47 tag (`EN-us` -> `en-US`), or null when it is not one. */
export function canonicalLanguage(tag: string): string | null {
  const trimmed = tag.trim();
  if (trimmed === '' || trimmed.length > 64) return null;
  try {
    return Intl.getCanonicalLocales(trimmed)[0] ?? null;
  } catch {
    return null;
  }
}

export function isLanguageTag(tag: string): boolean {
  return canonicalLanguage(tag) !== null;
}

/** Scripts the guess recognises (letters only: vowel signs and harakat are marks), each with its language. */
const SCRIPTS: readonly { language: string; pattern: RegExp }[] = [
  { language: 'ja', pattern: /(?=\p{L})[\p{scx=Hiragana}\p{scx=Katakana}]/gu },
  { language: 'zh', pattern: /(?=\p{L})\p{sc=Han}/gu },
  { language: 'ko', pattern: /(?=\p{L})\p{sc=Hangul}/gu },
  { language: 'ar', pattern: /(?=\p{L})\p{sc=Arabic}/gu },
  { language: 'he', pattern: /(?=\p{L})\p{sc=Hebrew}/gu },
  { language: 'hi', pattern: /(?=\p{L})\p{sc=Devanagari}/gu },
  { language: 'th', pattern: /(?=\p{L})\p{sc=Thai}/gu },
];

/** Only this much of a long transcript is looked at: the guess is about its script, not its every line. */
const SAMPLE = 20_000;

const count = (text: string, pattern: RegExp) => {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text) !== null) n++;
  return n;
};

/**
 * The language a transcript's letters point to: Japanese when kana make up a tenth or more of its Han and kana
 * (Japanese writes Han and kana together), else the recognised script holding at least half of all letters
 * (Han -> zh, Hangul -> ko, Arabic -> ar, Hebrew -> he, Devanagari -> hi, Thai -> th). Undefined otherwise.
 */
export function detectLanguage(text: string): string | undefined {
  const sample = text.length > SAMPLE ? text.slice(0, SAMPLE) : text;
  const letters = count(sample, /\p{L}/gu);
  if (letters === 0) return undefined;
  const counts = SCRIPTS.map(({ language, pattern }) => ({ language, n: count(sample, pattern) }));
  const kana = counts[0]!.n;
  const han = counts[1]!.n;
  if (kana > 0 && kana >= 0.1 * (kana + han) && (kana + han) * 2 >= letters) return 'ja';
  let best: { language: string; n: number } | undefined;
  for (const entry of counts.slice(1)) if (entry.n > (best?.n ?? 0)) best = entry;
  return best !== undefined && best.n * 2 >= letters ? best.language : undefined;
}

/** The language segmentation uses: the one set for the transcript when valid, else the guess. */
export function transcriptLanguage(text: string, language?: string | null): string | undefined {
  const set = language ? canonicalLanguage(language) : null;
  return set ?? detectLanguage(text);
}
