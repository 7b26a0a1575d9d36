import { describe, expect, it } from 'vitest';
import { applySpeakerChoices, detectTurns, lineLabel, parseTime } from '../../src/import/speakers.js';
import { decodeText } from '../../src/import/text.js';
import { fixture } from './fixtures.js';

const speakersOf = (text: string) => detectTurns(text).turns.map((turn) => turn.speaker);

describe('detectTurns', () => {
  it.each([
    ['colon labels', 'Interviewer: How are you?\nP1: Fine.\nInterviewer: Good.', ['Interviewer', 'P1', 'Interviewer']],
    ['bracketed ids (QualCoder)', '[id1] hello\n\n[id2] hi\n\n[id1] bye', ['id1', 'id2', 'id1']],
    ['bracket then colon', '[Anna]: one\n[Ben]: two\n[Anna]: three\n[Ben]: four', ['Anna', 'Ben', 'Anna', 'Ben']],
    [
      'paragraph numbers (MAXQDA)',
      '1\n2    Dan: Okay.\n\n3    Participant: Yes.\n4\tDan: So.',
      ['Dan', 'Participant', 'Dan'],
    ],
    ['Otter header lines', 'Speaker 1  0:03\nHello there.\n\nSpeaker 2  0:10\nHi.\n', ['Speaker 1', 'Speaker 2']],
    [
      'time before the name',
      '[00:01:02] Mary Kate: yes\n[00:01:09] Ben: no\n00:01:15 Mary Kate: ok',
      ['Mary Kate', 'Ben', 'Mary Kate'],
    ],
    ['time after the name (Rev)', 'Anna (00:03): hi\nBen (00:05): hello\nAnna (01:00): bye', ['Anna', 'Ben', 'Anna']],
    ['one-off labels need an established speaker', 'Note: recorded at home\nJust text.\nTime: 10 minutes', []],
    ['a speaker who speaks once', 'Anna: hi\nBen: hello\nAnna: bye\nCarl: me too', ['Anna', 'Ben', 'Anna', 'Carl']],
    ['shapes are separate', '[Anna] hi\n[Anna] hello\nNote: x', ['Anna', 'Anna']],
    ['roles count once', 'Interviewer: only question?\nno answer', ['Interviewer']],
    [
      'sentences with colons are not labels',
      'So the question was, in short: why?\nBecause: reasons.\nBecause: more.',
      ['Because', 'Because'],
    ],
    ['URLs and times are not labels', 'https://example.org is here\n10:30 we met\n10:45 we left', []],
    ['no speakers', 'Just a statement.\n\nAnother paragraph.', []],
    ['full-width colons (Chinese)', '主持人：你好。\n受访者：你好！\n主持人：开始吧。', ['主持人', '受访者', '主持人']],
    [
      'full-width colon with a space, ideographic indentation (Japanese)',
      '\u3000司会： はい\n回答者：いいえ\n司会：そうですか',
      ['司会', '回答者', '司会'],
    ],
    ['lenticular brackets', '【主持人】你好\n【受访者】你好\n【主持人】好', ['主持人', '受访者', '主持人']],
    ['Arabic labels', 'المحاور: مرحبا\nالمشارك: أهلا\nالمحاور: كيف حالك؟', ['المحاور', 'المشارك', 'المحاور']],
    ['Hebrew labels', 'מראיין: שלום\nמשתתף: היי\nמראיין: מה שלומך?', ['מראיין', 'משתתף', 'מראיין']],
    [
      'Devanagari labels with vowel signs',
      'साक्षात्कारकर्ता: नमस्ते\nप्रतिभागी: नमस्ते\nसाक्षात्कारकर्ता: कैसे हैं?',
      ['साक्षात्कारकर्ता', 'प्रतिभागी', 'साक्षात्कारकर्ता'],
    ],
    ['Thai labels', 'ผู้สัมภาษณ์: สวัสดี\nผู้ให้ข้อมูล: สวัสดีครับ\nผู้สัมภาษณ์: เริ่มเลย', ['ผู้สัมภาษณ์', 'ผู้ให้ข้อมูล', 'ผู้สัมภาษณ์']],
    ['times with a full-width colon are not labels', '10：30 我们见面\n10：45 我们走了', []],
  ])('%s', (_name, text, speakers) => {
    expect(speakersOf(text)).toEqual(speakers);
  });

  it('starts each turn at the start of its line and keeps the time', () => {
    const text = 'Intro line\nSpeaker 1  1:02:03\nHello.\n\nSpeaker 2  0:10.5\nHi.';
    expect(detectTurns(text).turns).toEqual([
      { start: 11, speaker: 'Speaker 1', time: 3723 },
      { start: text.indexOf('Speaker 2'), speaker: 'Speaker 2', time: 10.5 },
    ]);
  });

  it('starts the spoken text after a full-width colon', () => {
    expect(lineLabel('主持人：你好')).toMatchObject({ name: '主持人', shape: 'colon', textStart: 4 });
    expect(lineLabel('【主持人】你好')).toMatchObject({ name: '主持人', shape: 'bracket', textStart: 5 });
  });

  it('flags a one-off misspelling of a frequent speaker', () => {
    const text = 'Participant: a\nDan: b\nParticipant: c\nDan: d\nParticpant: e';
    const { speakers, turns } = detectTurns(text);
    expect(turns).toHaveLength(5);
    expect(speakers).toContainEqual({ name: 'Particpant', turns: 1, similarTo: 'Participant' });
  });
});

describe('detectTurns on real transcripts', () => {
  // MAXQDA interview exports (PDF text): every numbered paragraph opening with `Dan:` or `Participant:` is a turn.
  it.each([
    ['P1', 94, { Dan: 47, Participant: 47 }],
    ['P2', 165, { Dan: 81, Participant: 84 }],
    ['P3', 121, { Dan: 61, Participant: 60 }],
    ['P4', 109, { Dan: 54, Participant: 55 }],
    ['P5', 134, { Dan: 67, Participant: 66, Particpant: 1 }],
    ['P6', 99, { Dan: 50, Participant: 49 }],
    ['P7', 104, { Dan: 52, Participant: 52 }],
  ])('PDPilot %s', (name, turnCount, perSpeaker) => {
    const text = decodeText(`${name}.layout.txt`, fixture(`transcripts/pdpilot-user-study/${name}.layout.txt`));
    const { turns, speakers } = detectTurns(text);
    expect(turns).toHaveLength(turnCount);
    expect(Object.fromEntries(speakers.map((s) => [s.name, s.turns]))).toEqual(perSpeaker);
    for (const turn of turns)
      expect(text.slice(turn.start).trimStart()).toMatch(/^\d+\s+(Dan|Participant|Particpant):/);
  });

  it('QualCoder [id] transcript', () => {
    const text = decodeText('transcript.txt', fixture('transcripts/qualcoder-examples/transcript.txt'));
    expect(speakersOf(text)).toEqual(['id1', 'id2', 'id3', 'id1', 'id3', 'id1', 'id2']);
  });
});

describe('applySpeakerChoices', () => {
  const turns = [
    { start: 0, speaker: 'Dan' },
    { start: 5, speaker: 'Particpant', time: 3 },
    { start: 9, speaker: 'Participant' },
    { start: 12, speaker: 'Note' },
  ];
  it.each([
    ['keeps names without a choice', {}, ['Dan', 'Particpant', 'Participant', 'Note']],
    [
      'renames and merges',
      { Particpant: 'Participant', Dan: 'Interviewer' },
      ['Interviewer', 'Participant', 'Participant', 'Note'],
    ],
    ['drops what is not a speaker', { Note: null }, ['Dan', 'Particpant', 'Participant']],
    ['an empty name drops too', { Dan: '  ' }, ['Particpant', 'Participant', 'Note']],
  ])('%s', (_name, choices, speakers) => {
    expect(applySpeakerChoices(turns, choices).map((turn) => turn.speaker)).toEqual(speakers);
  });

  it('keeps offsets and times', () => {
    expect(applySpeakerChoices(turns, { Particpant: 'Participant' })[1]).toEqual({
      start: 5,
      speaker: 'Participant',
      time: 3,
    });
  });
});

describe('parseTime', () => {
  it.each([
    ['0:03', 3],
    ['12:34', 754],
    ['1:02:03', 3723],
    ['00:00:04,859', 4.859],
  ])('%s', (time, seconds) => expect(parseTime(time)).toBeCloseTo(seconds, 6));
});
