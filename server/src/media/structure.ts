import type { FileHandle } from 'node:fs/promises';
import type { Container } from './formats.js';

/**
 * Whether a recording is whole: each container's own length fields are walked (MPEG-4 boxes, Matroska elements,
 * Ogg pages, MPEG audio frames, RIFF chunks) and a file that ends before what they announce is refused as cut short,
 * the usual state of an upload or copy that was interrupted. Nothing is decoded; only lengths are read, through a
 * window of the file, so a recording of any size is checked without being held in memory.
 */
export interface StructureProblem {
  code: 'truncated_media' | 'malformed_media';
  problem: string;
}

/** Random access to the bytes being checked. */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

const WINDOW_BYTES = 1024 * 1024;
/** No real file has more top-level pieces than this; a crafted one stops here instead of looping for long. */
const MAX_STEPS = 50_000_000;

/** Reads through one window that moves forward: sequential walks cost one read per mebibyte. */
export function fileSource(handle: FileHandle, size: number): ByteSource {
  let windowStart = 0;
  let window = new Uint8Array(0);
  return {
    size,
    async read(offset, length) {
      const end = Math.min(size, offset + length);
      if (offset >= windowStart && end <= windowStart + window.length) {
        return window.subarray(offset - windowStart, end - windowStart);
      }
      const wanted = Math.max(WINDOW_BYTES, end - offset);
      const buffer = new Uint8Array(Math.min(wanted, Math.max(0, size - offset)));
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      windowStart = offset;
      window = buffer.subarray(0, filled);
      return window.subarray(0, end - offset);
    },
  };
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

export async function checkStructure(container: Container, source: ByteSource): Promise<StructureProblem | null> {
  switch (container) {
    case 'iso-bmff':
      return checkIsoBmff(source);
    case 'matroska':
      return checkMatroska(source);
    case 'ogg':
      return checkOgg(source);
    case 'mpeg-audio':
      return checkMpegAudio(source);
    case 'riff-wave':
      return checkWave(source);
  }
}

const truncated = (problem: string): StructureProblem => ({
  code: 'truncated_media',
  problem: `the file is cut short: ${problem}`,
});
const malformed = (problem: string): StructureProblem => ({ code: 'malformed_media', problem });

const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u32le = (b: Uint8Array, at: number) =>
  ((b[at + 3]! << 24) | (b[at + 2]! << 16) | (b[at + 1]! << 8) | b[at]!) >>> 0;
const ascii = (b: Uint8Array, at: number, length: number) => String.fromCharCode(...b.subarray(at, at + length));

/** MPEG-4 (mp4, m4a): top-level boxes, each `size type`, must fit the file, and the movie header must be there. */
async function checkIsoBmff(source: ByteSource): Promise<StructureProblem | null> {
  let at = 0;
  let movie = false;
  for (let step = 0; at < source.size; step++) {
    if (step > MAX_STEPS) return malformed('the file has more boxes than any recording');
    const header = await source.read(at, 16);
    if (header.length < 8) return truncated(`it ends inside a box header at byte ${at}`);
    let size = u32be(header, 0);
    const type = ascii(header, 4, 4);
    if (!/^[\x20-\x7e]{4}$/.test(type)) return malformed(`not a well-formed MPEG-4 file (no box at byte ${at})`);
    if (size === 1) {
      if (header.length < 16) return truncated(`it ends inside the header of the "${type}" box`);
      size = u32be(header, 8) * 2 ** 32 + u32be(header, 12);
    } else if (size === 0) {
      size = source.size - at;
    }
    if (size < 8) return malformed(`not a well-formed MPEG-4 file (the "${type}" box declares ${size} bytes)`);
    if (at + size > source.size) {
      return truncated(`the "${type}" box at byte ${at} declares ${size} bytes, only ${source.size - at} are there`);
    }
    if (type === 'moov') movie = true;
    at += size;
  }
  return movie ? null : truncated('it has no movie header ("moov" box), which players need');
}

/** EBML variable-length integer at `at`: its length and value (null: "unknown", all ones). */
function vint(bytes: Uint8Array, at: number, keepMarker: boolean): { length: number; value: number | null } | null {
  const first = bytes[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[at + i]!;
    value = value * 256 + byte;
    if (byte !== 0xff) allOnes = false;
  }
  return { length, value: !keepMarker && allOnes ? null : value };
}

/** WebM (Matroska): the EBML header and the segment, whose declared size (when known) must fit the file. */
async function checkMatroska(source: ByteSource): Promise<StructureProblem | null> {
  let at = 0;
  let segmentEnd: number | null = null;
  let inSegment = false;
  for (let step = 0; at < source.size; step++) {
    if (step > MAX_STEPS) return malformed('the file has more elements than any recording');
    const header = await source.read(at, 16);
    const id = vint(header, 0, true);
    const size = id === null ? null : vint(header, id.length, false);
    if (id === null || size === null) {
      if (header.length < 16 && header[0] !== 0) return truncated(`it ends inside an element header at byte ${at}`);
      return malformed(`not a well-formed WebM file (no element at byte ${at})`);
    }
    const start = at + id.length + size.length;
    if (step === 0 && id.value !== 0x1a45dfa3) return malformed('not a well-formed WebM file (no EBML header)');
    if (id.value === 0x18538067 && !inSegment) {
      inSegment = true;
      if (size.value !== null) {
        segmentEnd = start + size.value;
        if (segmentEnd > source.size) {
          return truncated(`its segment declares ${size.value} bytes, only ${source.size - start} are there`);
        }
        return null;
      }
      // A live recording (a browser's MediaRecorder) leaves the size unknown: walk the segment's elements instead.
      at = start;
      continue;
    }
    if (size.value === null) return null;
    if (start + size.value > source.size) {
      return truncated(`the element at byte ${at} declares ${size.value} bytes, only ${source.size - start} are there`);
    }
    at = start + size.value;
  }
  return inSegment ? null : truncated('it has no segment (no tracks or frames)');
}

/** Ogg: pages one after the other, each whole, the last one ending the stream. */
async function checkOgg(source: ByteSource): Promise<StructureProblem | null> {
  let at = 0;
  let lastFlags = 0;
  for (let step = 0; at < source.size; step++) {
    if (step > MAX_STEPS) return malformed('the file has more pages than any recording');
    const header = await source.read(at, 27 + 255);
    if (header.length < 27) return truncated(`it ends inside a page header at byte ${at}`);
    if (ascii(header, 0, 4) !== 'OggS' || header[4] !== 0) {
      return malformed(`not a well-formed Ogg file (no page at byte ${at})`);
    }
    const segments = header[26]!;
    if (header.length < 27 + segments) return truncated(`it ends inside a page header at byte ${at}`);
    let body = 0;
    for (let i = 0; i < segments; i++) body += header[27 + i]!;
    const end = at + 27 + segments + body;
    if (end > source.size)
      return truncated(`the page at byte ${at} needs ${end - at} bytes, only ${source.size - at} are there`);
    lastFlags = header[5]!;
    at = end;
  }
  return lastFlags & 0x04 ? null : truncated('its last page does not end the stream');
}

const BITRATES: Record<string, readonly number[]> = {
  // [version 1 | 2][layer 1..3], kbit/s by index 1..14.
  '1-1': [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/** The length of the MPEG audio frame whose header is at `at`, 0 for free format, null when it is no header. */
export function mpegFrameLength(bytes: Uint8Array, at: number): number | null {
  if (bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0 || at + 4 > bytes.length) return null;
  const versionBits = (bytes[at + 1]! >> 3) & 3;
  const layerBits = (bytes[at + 1]! >> 1) & 3;
  const bitrateIndex = bytes[at + 2]! >> 4;
  const rateIndex = (bytes[at + 2]! >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  if (bitrateIndex === 0) return 0;
  const layer = 4 - layerBits;
  const version = versionBits === 3 ? 1 : 2;
  const bitrate = BITRATES[`${version}-${layer}`]![bitrateIndex - 1]! * 1000;
  const rate = SAMPLE_RATES[versionBits]![rateIndex]!;
  const padding = (bytes[at + 2]! >> 1) & 1;
  if (layer === 1) return (Math.floor((12 * bitrate) / rate) + padding) * 4;
  if (layer === 3 && version === 2) return Math.floor((72 * bitrate) / rate) + padding;
  return Math.floor((144 * bitrate) / rate) + padding;
}

const RESYNC_BYTES = 64 * 1024;

/** MP3: an ID3 tag if any, then frames one after the other, the last one whole; tags at the end are allowed. */
async function checkMpegAudio(source: ByteSource): Promise<StructureProblem | null> {
  let at = 0;
  const head = await source.read(0, 10);
  if (ascii(head, 0, 3) === 'ID3') {
    if (head.length < 10) return truncated('it ends inside its ID3 tag header');
    const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
    at = 10 + size + (head[5]! & 0x10 ? 10 : 0);
    if (at > source.size) return truncated(`its ID3 tag declares ${at} bytes, only ${source.size} are there`);
  }
  let frames = 0;
  for (let step = 0; at < source.size; step++) {
    if (step > MAX_STEPS) return malformed('the file has more frames than any recording');
    const bytes = await source.read(at, 10);
    const length = mpegFrameLength(bytes, 0);
    if (length === 0) break; // free format: lengths are not in the headers
    if (length !== null) {
      if (at + length > source.size) {
        return truncated(`its last audio frame needs ${length} bytes, only ${source.size - at} are there`);
      }
      at += length;
      frames++;
      continue;
    }
    const tag = ascii(bytes, 0, 8);
    if (tag.startsWith('TAG') || tag === 'APETAGEX' || tag.startsWith('LYRICS') || tag.startsWith('ID3')) break;
    if (bytes.length < 4 && frames > 0) return truncated(`it ends inside an audio frame header at byte ${at}`);
    // Stray bytes between frames happen in real files: look for the next frame close by.
    const window = await source.read(at + 1, RESYNC_BYTES);
    let next = -1;
    for (let i = 0; i + 4 <= window.length; i++) {
      const candidate = mpegFrameLength(window, i);
      if (candidate !== null && candidate > 0) {
        next = i;
        break;
      }
    }
    if (next < 0) break;
    at += 1 + next;
  }
  return frames > 0 ? null : malformed('not a well-formed MP3 file (no audio frames)');
}

/** WAV: the RIFF chunks must fit the file, with the format and the sound data present. */
async function checkWave(source: ByteSource): Promise<StructureProblem | null> {
  const head = await source.read(0, 12);
  if (head.length < 12 || ascii(head, 0, 4) !== 'RIFF' || ascii(head, 8, 4) !== 'WAVE') {
    return malformed('not a well-formed WAV file (no RIFF header)');
  }
  const riffSize = u32le(head, 4);
  const unknown = (size: number) => size === 0 || size === 0xffffffff;
  if (!unknown(riffSize) && riffSize + 8 > source.size) {
    return truncated(`its RIFF header declares ${riffSize + 8} bytes, only ${source.size} are there`);
  }
  let at = 12;
  let format = false;
  let data = false;
  for (let step = 0; at + 8 <= source.size; step++) {
    if (step > MAX_STEPS) return malformed('the file has more chunks than any recording');
    const header = await source.read(at, 8);
    const id = ascii(header, 0, 4);
    const size = u32le(header, 4);
    if (id === 'fmt ') format = true;
    if (id === 'data') {
      data = true;
      if (unknown(size)) break;
    }
    const end = at + 8 + size;
    if (end > source.size) {
      return truncated(`its "${id.trim()}" chunk declares ${size} bytes, only ${source.size - at - 8} are there`);
    }
    at = end + (size & 1);
  }
  if (!format) return truncated('it has no format chunk');
  return data ? null : truncated('it has no sound data ("data" chunk)');
}
