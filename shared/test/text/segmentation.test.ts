import { paragraphSegments, sentenceSegments, speakerTurnSegments } from '@accord/shared/agreement/index';
import {
  detectLanguage,
  LATEST_SEGMENTATION,
  paragraphs,
  SEGMENTATION_VERSIONS,
  sentences,
  speakerTurns,
  words,
} from '@accord/shared/text/index';
import { describe, expect, it } from 'vitest';

const pieces = (text: string, segments: readonly [number, number][]) => segments.map(([s, e]) => text.slice(s, e));

/** What the platform itself says: Intl.Segmenter's sentences with any text, line by line. */
const platformSentences = (text: string, language: string) =>
  text
    .split('\n')
    .flatMap((line) => [...new Intl.Segmenter(language, { granularity: 'sentence' }).segment(line)])
    .map((piece) => piece.segment.trim())
    .filter((piece) => piece !== '');

/**
 * Samples in seven languages with the sentences a reader counts. Thai writes no sentence punctuation: a space ends
 * a phrase, and the platform (ICU) does not end a sentence there, so a Thai paragraph is one sentence.
 */
const SAMPLES: { language: string; text: string; sentences: number; legacy: number }[] = [
  {
    language: 'en',
    text: 'We all said it was fine. Nobody was hurt! So I thought we were invincible? Yes.\nThen it changed.',
    sentences: 5,
    legacy: 5,
  },
  { language: 'zh', text: '我们都说没事。没有人受伤！所以我以为我们是无敌的？是的。', sentences: 4, legacy: 1 },
  {
    language: 'ja',
    text: '大丈夫だと皆が言った。誰も怪我をしなかった！だから無敵だと思った？そうです。',
    sentences: 4,
    legacy: 1,
  },
  { language: 'ar', text: 'قلنا جميعا إنه لا بأس. لم يصب أحد! لذلك ظننت أننا لا نقهر؟ نعم.', sentences: 4, legacy: 3 },
  {
    language: 'he',
    text: 'כולנו אמרנו שזה בסדר. אף אחד לא נפגע! אז חשבתי שאנחנו בלתי מנוצחים? כן.',
    sentences: 4,
    legacy: 4,
  },
  {
    language: 'hi',
    text: 'हम सबने कहा कि सब ठीक है। कोई घायल नहीं हुआ! तो मैंने सोचा कि हम अजेय हैं? हाँ।',
    sentences: 4,
    legacy: 3,
  },
  { language: 'th', text: 'เราทุกคนบอกว่าไม่เป็นไร ไม่มีใครบาดเจ็บ\nฉันคิดว่าเราไม่มีวันแพ้', sentences: 2, legacy: 2 },
];

describe('sentence units by Unicode (segmentation version 2)', () => {
  it.each(SAMPLES)('$language: counted as Intl.Segmenter counts them', ({ language, text, sentences: count }) => {
    const units = sentences(text, { version: 2, language });
    expect(pieces(text, units)).toEqual(platformSentences(text, language));
    expect(units).toHaveLength(count);
  });

  it.each(SAMPLES)('$language: the same with the language guessed from the text', ({ language, text }) => {
    const guessed = detectLanguage(text);
    expect(sentences(text, { version: 2, language: guessed })).toEqual(sentences(text, { version: 2, language }));
  });

  it.each(SAMPLES)('$language: version 1 keeps the legacy rule', ({ text, legacy }) => {
    expect(sentences(text, { version: 1, language: 'xx' })).toEqual(sentenceSegments(text));
    expect(sentenceSegments(text)).toHaveLength(legacy);
  });

  it('trims each unit and keeps exact UTF-16 offsets (astral characters included)', () => {
    const text = '  𠮷野家に行った。  美味しかった！ \n';
    const units = sentences(text, { version: 2, language: 'ja' });
    expect(pieces(text, units)).toEqual(['𠮷野家に行った。', '美味しかった！']);
    expect(units[0]![0]).toBe(2);
  });

  it('abbreviations split as the platform splits them, and the test says so', () => {
    const text = 'Dr. Smith agreed. We left.';
    const platform = platformSentences(text, 'en');
    expect(pieces(text, sentences(text, { version: 2, language: 'en' }))).toEqual(platform);
  });

  it('a bad or unknown language tag falls back to the root rules', () => {
    const text = '没事。好的。';
    expect(sentences(text, { version: 2, language: 'not a tag!' })).toHaveLength(2);
    expect(sentences(text, { version: 2 })).toHaveLength(2);
  });

  it('the latest version is the newest listed', () => {
    expect(LATEST_SEGMENTATION).toBe(Math.max(...SEGMENTATION_VERSIONS));
  });
});

describe('paragraphs and speaker turns by version', () => {
  it('version 2 paragraphs also end at Unicode line and paragraph separators', () => {
    const text = 'one\u2028two\u2029three\u0085four\nfive';
    expect(pieces(text, paragraphs(text, { version: 2 }))).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(paragraphs(text, { version: 1 })).toEqual(paragraphSegments(text));
    expect(paragraphs(text, { version: 1 })).toHaveLength(2);
  });

  it.each([
    ['主持人：你好。\n受访者：你好！', ['主持人', '受访者']],
    ['インタビュアー： はい\n参加者：いいえ', ['インタビュアー', '参加者']],
    ['المحاور: مرحبا\nالمشارك: أهلا', ['المحاور', 'المشارك']],
    ['מראיין: שלום\nמשתתף: היי', ['מראיין', 'משתתף']],
    ['साक्षात्कारकर्ता: नमस्ते\nप्रतिभागी: नमस्ते', ['साक्षात्कारकर्ता', 'प्रतिभागी']],
    ['ผู้สัมภาษณ์: สวัสดี\nผู้ให้สัมภาษณ์: สวัสดีครับ', ['ผู้สัมภาษณ์', 'ผู้ให้สัมภาษณ์']],
    ['【主持人】你好\n【受访者】你好', ['主持人', '受访者']],
    ['Dan:\nHello there.\nAna: Hi.', ['Dan', 'Ana']],
  ])('version 2 speaker labels in %j', (text, speakers) => {
    expect(speakerTurns(text, { version: 2 }).map((turn) => turn.speaker)).toEqual(speakers);
  });

  it('version 1 keeps the legacy labels (a full-width colon is not one)', () => {
    const text = '主持人：你好。\nDan: Hello there.';
    expect(speakerTurns(text, { version: 1 })).toEqual(speakerTurnSegments(text));
    expect(speakerTurns(text, { version: 1 }).map((turn) => turn.speaker)).toEqual([null, 'Dan']);
  });

  it('version 2 still reads the legacy labels the same way', () => {
    const text = 'Intro line\n1 Dan: Hello there.\n2 Participant: Hi.\nstill talking\n[id1] Yes: indeed';
    expect(speakerTurns(text, { version: 2 })).toEqual(speakerTurns(text, { version: 1 }));
  });
});

describe('words', () => {
  it('Thai and Chinese words come from the platform dictionary', () => {
    const thai = 'ผมไปตลาด ผมซื้อผลไม้';
    const platform = [...new Intl.Segmenter('th', { granularity: 'word' }).segment(thai)]
      .filter((piece) => piece.isWordLike)
      .map((piece) => piece.segment);
    expect(pieces(thai, words(thai, 'th'))).toEqual(platform);
    expect(platform.length).toBeGreaterThan(2);
    expect(pieces('Hello, world!', words('Hello, world!', 'en'))).toEqual(['Hello', 'world']);
  });
});

describe('language guess from Unicode scripts', () => {
  it.each([
    ['我们都说没事。', 'zh'],
    ['大丈夫だと皆が言った。', 'ja'],
    ['괜찮다고 다들 말했어요.', 'ko'],
    ['قلنا جميعا إنه لا بأس.', 'ar'],
    ['כולנו אמרנו שזה בסדר.', 'he'],
    ['हम सबने कहा कि सब ठीक है।', 'hi'],
    ['เราทุกคนบอกว่าไม่เป็นไร', 'th'],
    ['We all said it was fine.', undefined],
    ['Привет, как дела?', undefined],
    ['English with one word 中文 in it.', undefined],
    ['12345 ...', undefined],
    ['', undefined],
  ])('%j -> %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });
});
