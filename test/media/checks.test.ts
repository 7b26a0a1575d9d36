import { describe, expect, it } from 'vitest';
import { detectBytes } from '../../server/src/media/detect.js';
import { claimOf, servedType } from '../../server/src/media/formats.js';
import { decideRange } from '../../server/src/media/range.js';
import { bufferSource, checkStructure, mpegFrameLength } from '../../server/src/media/structure.js';
import { isoMedia, mp3, oggOpus, wav, webm } from './mediaFiles.js';

const files = {
  wav: wav(0.5),
  mp3: mp3(20),
  ogg: oggOpus(0.5),
  m4a: isoMedia('M4A '),
  mp4: isoMedia('isom'),
  webm: webm(),
};

describe('media made by the tests', () => {
  it.each([
    ['wav', 'wav'],
    ['mp3', 'mp3'],
    ['ogg', 'opus'],
    ['m4a', 'm4a'],
    ['mp4', 'mp4'],
    ['webm', 'webm'],
  ] as const)('%s is detected as %s and is whole', async (name, ext) => {
    expect((await detectBytes(files[name]))?.ext).toBe(ext);
    const claim = claimOf(undefined, `x.${name}`);
    expect(await checkStructure(claim.format.container, bufferSource(files[name]))).toBeNull();
  });
});

describe('claims', () => {
  it.each([
    ['audio/mpeg', 'a.bin', 'mp3', 'audio/mpeg'],
    ['audio/x-m4a', 'a.m4a', 'm4a', 'audio/mp4'],
    ['Audio/WAV; charset=binary', 'a', 'wav', 'audio/wav'],
    ['audio/ogg; codecs=opus', 'a.ogg', 'ogg', 'audio/ogg'],
    ['video/mp4', 'a.mp4', 'mp4', 'video/mp4'],
    ['audio/webm', 'a.webm', 'webm', 'audio/webm'],
    ['application/octet-stream', 'Interview 3.MP3', 'mp3', 'audio/mpeg'],
    [undefined, 'clip.ogv', 'ogg', 'video/ogg'],
  ])('%s named %s is %s, served as %s', (type, name, format, served) => {
    const claim = claimOf(type, name);
    expect(claim.format.id).toBe(format);
    expect(servedType(claim, claim.format.detected[0]!)).toBe(served);
  });

  it.each([
    ['image/png', 'a.png', /does not keep image\/png/],
    ['application/octet-stream', 'notes.txt', /send the recording's media type/],
    ['video/quicktime', 'a.mov', /does not keep video\/quicktime/],
  ])('%s named %s is refused', (type, name, message) => {
    expect(() => claimOf(type, name)).toThrow(message);
  });
});

describe('structure: cut-short files are found', () => {
  const cut = (bytes: Uint8Array, keep: number) => bytes.subarray(0, keep);
  it.each([
    ['wav', 'riff-wave', cut(files.wav, files.wav.length - 100), /cut short: its RIFF header declares/],
    ['wav header only', 'riff-wave', cut(files.wav, 30), /cut short/],
    ['mp3', 'mpeg-audio', cut(files.mp3, 417 * 5 + 200), /last audio frame needs 417 bytes, only 200/],
    ['ogg', 'ogg', cut(files.ogg, files.ogg.length - 3), /cut short: the page at byte/],
    ['mp4', 'iso-bmff', cut(files.mp4, files.mp4.length - 10), /"mdat" box at byte \d+ declares/],
    ['m4a without its movie header', 'iso-bmff', cut(files.m4a, 24), /cut short/],
    ['webm', 'matroska', cut(files.webm, files.webm.length - 1), /segment declares/],
  ] as const)('%s', async (_name, container, bytes, message) => {
    const problem = await checkStructure(container, bufferSource(bytes));
    expect(problem?.code).toBe('truncated_media');
    expect(problem?.problem).toMatch(message);
  });

  it('an Ogg file cut exactly between pages has not ended its stream', async () => {
    // The two header pages alone (27 + 1 lacing byte + 19 for OpusHead, 27 + 1 + 28 for OpusTags): whole pages,
    // but no end of stream.
    const problem = await checkStructure('ogg', bufferSource(files.ogg.subarray(0, 47 + 56)));
    expect(problem?.problem).toMatch(/does not end the stream/);
  });

  it('tags after the last MP3 frame are allowed', async () => {
    const tag = new Uint8Array(128);
    tag.set([0x54, 0x41, 0x47]);
    const withTag = new Uint8Array(files.mp3.length + 128);
    withTag.set(files.mp3);
    withTag.set(tag, files.mp3.length);
    expect(await checkStructure('mpeg-audio', bufferSource(withTag))).toBeNull();
  });

  it('reads MPEG audio frame lengths', () => {
    expect(mpegFrameLength(Uint8Array.of(0xff, 0xfb, 0x90, 0xc4), 0)).toBe(417);
    expect(mpegFrameLength(Uint8Array.of(0xff, 0xfb, 0x92, 0xc4), 0)).toBe(418);
    expect(mpegFrameLength(Uint8Array.of(0xff, 0xf3, 0x90, 0xc4), 0)).toBe(Math.floor((72 * 80000) / 22050));
    expect(mpegFrameLength(Uint8Array.of(0xff, 0xfb, 0xf0, 0xc4), 0)).toBeNull();
  });
});

describe('ranges', () => {
  const etag = '"abc"';
  it.each([
    [undefined, undefined, { kind: 'whole' }],
    ['bytes=0-99', undefined, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=100-', undefined, { kind: 'partial', start: 100, end: 999 }],
    ['bytes=-10', undefined, { kind: 'partial', start: 990, end: 999 }],
    ['bytes=-5000', undefined, { kind: 'partial', start: 0, end: 999 }],
    ['bytes=900-5000', undefined, { kind: 'partial', start: 900, end: 999 }],
    ['bytes=1000-', undefined, { kind: 'unsatisfiable' }],
    ['bytes=-0', undefined, { kind: 'unsatisfiable' }],
    ['bytes=5-1', undefined, { kind: 'whole' }],
    ['bytes=0-1,5-9', undefined, { kind: 'whole' }],
    ['items=0-1', undefined, { kind: 'whole' }],
    ['bytes=0-9', '"abc"', { kind: 'partial', start: 0, end: 9 }],
    ['bytes=0-9', '"old"', { kind: 'whole' }],
  ] as const)('%s (If-Range %s)', (range, ifRange, decision) => {
    expect(decideRange(range, 1000, { header: ifRange, etag })).toEqual(decision);
  });
});
