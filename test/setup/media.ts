import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Real recordings made by Debian's ffmpeg (test/setup/system-packages.sh installs it): a 3 s sine tone as MP3, M4A
 * (AAC), Ogg (Vorbis) and WAV, and a 3 s counter video (ffmpeg's `testsrc`, which draws a running counter) with a
 * sine tone as MP4 (H.264 + AAC) and WebM (VP8 + Opus). Small and quick to encode: mono 22.05 kHz, 320x240 at 10 fps.
 */
export interface RealMedia {
  name: string;
  /** The media type a browser would send for it. */
  type: string;
  /** What the server serves it as. */
  served: string;
  bytes: Uint8Array;
}

const run = promisify(execFile);

const TONE = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3:sample_rate=22050', '-ac', '1'];
const COUNTER = [
  ...['-f', 'lavfi', '-i', 'testsrc=duration=3:size=320x240:rate=10'],
  ...['-f', 'lavfi', '-i', 'sine=frequency=660:duration=3:sample_rate=22050', '-ac', '1', '-shortest'],
];

const RECIPES: readonly (Omit<RealMedia, 'bytes'> & { args: string[] })[] = [
  { name: 'tone.mp3', type: 'audio/mpeg', served: 'audio/mpeg', args: [...TONE, '-c:a', 'libmp3lame', '-b:a', '48k'] },
  { name: 'tone.m4a', type: 'audio/mp4', served: 'audio/mp4', args: [...TONE, '-c:a', 'aac', '-b:a', '48k'] },
  { name: 'tone.ogg', type: 'audio/ogg', served: 'audio/ogg', args: [...TONE, '-c:a', 'libvorbis'] },
  { name: 'tone.wav', type: 'audio/wav', served: 'audio/wav', args: [...TONE, '-c:a', 'pcm_s16le'] },
  {
    name: 'counter.mp4',
    type: 'video/mp4',
    served: 'video/mp4',
    args: [...COUNTER, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '48k'],
  },
  {
    name: 'counter.webm',
    type: 'video/webm',
    served: 'video/webm',
    args: [
      ...COUNTER,
      ...[
        '-c:v',
        'libvpx',
        '-deadline',
        'realtime',
        '-cpu-used',
        '8',
        '-b:v',
        '200k',
        '-c:a',
        'libopus',
        '-b:a',
        '32k',
      ],
    ],
  },
];

/** Encodes every recording into a fresh temporary folder; `remove` deletes it. */
export async function makeRealMedia(): Promise<{ dir: string; files: RealMedia[]; remove: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-media-'));
  const files: RealMedia[] = [];
  for (const { args, ...file } of RECIPES) {
    const out = path.join(dir, file.name);
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args, out]);
    files.push({ ...file, bytes: new Uint8Array(fs.readFileSync(out)) });
  }
  return { dir, files, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
