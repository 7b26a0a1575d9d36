/**
 * Small real media files made by code (no ffmpeg on the test machines):
 * - WAV: a sine tone, 16-bit PCM mono, playable anywhere.
 * - MP3: MPEG-1 Layer III frames of silence (all-zero side info decodes to silence), playable.
 * - Ogg Opus: identification and comment headers, then 20 ms packets of one TOC byte (an empty CELT frame, which
 *   decoders conceal as silence), on pages with real CRCs and an end-of-stream page; playable.
 * - MP4, M4A and WebM: well-formed containers (ftyp + moov + mdat boxes; EBML header + segment) without tracks.
 *   They are what the server's type and structure checks read; they hold no sound.
 */

export function wav(seconds = 1, frequency = 440, rate = 8000): Uint8Array {
  const samples = Math.round(seconds * rate);
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const text = (at: number, value: string) => {
    for (let i = 0; i < value.length; i++) bytes[at + i] = value.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) {
    view.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * frequency * i) / rate) * 12000), true);
  }
  return bytes;
}

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono: 417-byte frames of 1152 samples. */
export function mp3(frames = 40): Uint8Array {
  const length = 417;
  const bytes = new Uint8Array(frames * length);
  for (let i = 0; i < frames; i++) bytes.set([0xff, 0xfb, 0x90, 0xc4], i * length);
  return bytes;
}

const OGG_CRC = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) & 0xff) ^ byte]!) >>> 0;
  return crc;
}

function oggPage(packets: Uint8Array[], flags: number, granule: number, sequence: number): Uint8Array {
  const lacing: number[] = [];
  for (const packet of packets) {
    let left = packet.length;
    while (left >= 255) {
      lacing.push(255);
      left -= 255;
    }
    lacing.push(left);
  }
  const body = packets.reduce((sum, packet) => sum + packet.length, 0);
  const page = new Uint8Array(27 + lacing.length + body);
  const view = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53, 0, flags]);
  view.setUint32(6, granule >>> 0, true);
  view.setUint32(10, Math.floor(granule / 2 ** 32), true);
  view.setUint32(14, 0x4163636f, true); // serial number
  view.setUint32(18, sequence, true);
  page[26] = lacing.length;
  page.set(lacing, 27);
  let at = 27 + lacing.length;
  for (const packet of packets) {
    page.set(packet, at);
    at += packet.length;
  }
  view.setUint32(22, oggCrc(page), true);
  return page;
}

const ascii = (text: string) => new TextEncoder().encode(text);

export function oggOpus(seconds = 1): Uint8Array {
  const head = new Uint8Array(19);
  head.set(ascii('OpusHead'));
  const headView = new DataView(head.buffer);
  head[8] = 1; // version
  head[9] = 1; // channels
  headView.setUint16(10, 312, true); // pre-skip
  headView.setUint32(12, 48000, true);
  const vendor = ascii('accord tests');
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  tags.set(ascii('OpusTags'));
  new DataView(tags.buffer).setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  const packets = Array.from({ length: Math.round(seconds * 50) }, () => Uint8Array.of(0xf8));
  const pages = [
    oggPage([head], 0x02, 0, 0),
    oggPage([tags], 0, 0, 1),
    oggPage(packets, 0x04, 312 + packets.length * 960, 2),
  ];
  return concat(pages);
}

function box(type: string, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  const bytes = new Uint8Array(8 + body.length);
  new DataView(bytes.buffer).setUint32(0, bytes.length);
  bytes.set(ascii(type), 4);
  bytes.set(body, 8);
  return bytes;
}

function mvhd(): Uint8Array {
  const body = new Uint8Array(100);
  const view = new DataView(body.buffer);
  view.setUint32(12, 1000); // timescale
  view.setUint32(16, 1000); // duration
  view.setUint32(20, 0x00010000); // rate
  view.setUint16(24, 0x0100); // volume
  for (const [i, value] of [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].entries()) {
    view.setUint32(36 + i * 4, value);
  }
  view.setUint32(96, 1); // next track id
  return box('mvhd', body);
}

/** An MPEG-4 file: `ftyp` with `brand`, `moov`, `mdat` of `payload` bytes. */
export function isoMedia(brand = 'isom', payload = 2048): Uint8Array {
  const ftyp = box('ftyp', ascii(brand.padEnd(4)), new Uint8Array(4), ascii('isommp42'));
  return concat([ftyp, box('moov', mvhd()), box('mdat', new Uint8Array(payload).fill(0x55))]);
}

function ebml(id: number[], content: Uint8Array): Uint8Array {
  // Sizes as 8-byte vints, which every reader accepts.
  const size = new Uint8Array(8);
  size[0] = 0x01;
  let left = content.length;
  for (let i = 7; i > 0; i--) {
    size[i] = left & 0xff;
    left = Math.floor(left / 256);
  }
  return concat([Uint8Array.from(id), size, content]);
}

const uint = (value: number) => Uint8Array.of(value);

export function webm(payload = 2048): Uint8Array {
  const header = ebml(
    [0x1a, 0x45, 0xdf, 0xa3],
    concat([
      ebml([0x42, 0x86], uint(1)),
      ebml([0x42, 0xf7], uint(1)),
      ebml([0x42, 0xf2], uint(4)),
      ebml([0x42, 0xf3], uint(8)),
      ebml([0x42, 0x82], ascii('webm')),
      ebml([0x42, 0x87], uint(4)),
      ebml([0x42, 0x85], uint(2)),
    ]),
  );
  const info = ebml([0x15, 0x49, 0xa9, 0x66], ebml([0x2a, 0xd7, 0xb1], Uint8Array.of(0x0f, 0x42, 0x40)));
  const voids = ebml([0xec], new Uint8Array(payload));
  return concat([header, ebml([0x18, 0x53, 0x80, 0x67], concat([info, voids]))]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}
