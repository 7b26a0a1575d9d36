/**
 * The recordings Accord accepts (docs/media.md): what a client may claim (`Content-Type`, or the file name's
 * extension when it sends `application/octet-stream`), what the bytes must turn out to be (file-type's detection),
 * and the media type the file is served as. Nothing is transcoded: a file is kept and served exactly as uploaded.
 */
export type MediaFormatId = 'mp3' | 'm4a' | 'wav' | 'ogg' | 'mp4' | 'webm';

/** The container a file's bytes were found to be; the structure check (structure.ts) walks it. */
export type Container = 'mpeg-audio' | 'iso-bmff' | 'riff-wave' | 'ogg' | 'matroska';

export interface MediaFormat {
  id: MediaFormatId;
  /** For messages: "MP3 audio". */
  label: string;
  container: Container;
  /** Media types a client may send for it (lower case, without parameters). */
  claims: readonly string[];
  extensions: readonly string[];
  /** What file-type may detect in the bytes (its `ext`). */
  detected: readonly string[];
}

export const MEDIA_FORMATS: readonly MediaFormat[] = [
  {
    id: 'mp3',
    label: 'MP3 audio',
    container: 'mpeg-audio',
    claims: ['audio/mpeg', 'audio/mp3', 'audio/x-mp3', 'audio/mpeg3', 'audio/x-mpeg'],
    extensions: ['mp3'],
    detected: ['mp3'],
  },
  {
    id: 'm4a',
    label: 'M4A (MPEG-4) audio',
    container: 'iso-bmff',
    claims: ['audio/mp4', 'audio/x-m4a', 'audio/m4a', 'audio/aac-mp4'],
    extensions: ['m4a', 'm4b'],
    // Many recorders write an audio-only MPEG-4 file with a video brand (isom, mp42): the container is the same.
    detected: ['m4a', 'm4b', 'mp4', 'f4a', 'f4b'],
  },
  {
    id: 'wav',
    label: 'WAV audio',
    container: 'riff-wave',
    claims: ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'audio/x-pn-wav'],
    extensions: ['wav', 'wave'],
    detected: ['wav'],
  },
  {
    id: 'ogg',
    label: 'Ogg audio or video',
    container: 'ogg',
    claims: ['audio/ogg', 'video/ogg', 'application/ogg', 'audio/opus', 'audio/x-ogg', 'audio/vorbis'],
    extensions: ['ogg', 'oga', 'ogv', 'opus', 'spx'],
    detected: ['ogg', 'opus', 'oga', 'ogv', 'spx', 'ogm', 'ogx'],
  },
  {
    id: 'mp4',
    label: 'MP4 video',
    container: 'iso-bmff',
    claims: ['video/mp4', 'application/mp4', 'video/x-m4v'],
    extensions: ['mp4', 'm4v'],
    detected: ['mp4', 'm4v', 'm4a', 'm4b', 'f4v', 'm4p'],
  },
  {
    id: 'webm',
    label: 'WebM audio or video',
    container: 'matroska',
    claims: ['video/webm', 'audio/webm'],
    extensions: ['webm'],
    detected: ['webm'],
  },
];

/** What the client said the file is. */
export interface Claim {
  format: MediaFormat;
  /** The media type named (or implied by the extension), lower case, without parameters. */
  type: string;
}

/** Why a claim cannot be taken: answered as 415 by the route. */
export class UnsupportedMediaType extends Error {}

const GENERIC = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

export const ACCEPTED_LIST = MEDIA_FORMATS.map((format) => format.id).join(', ');

/**
 * The format a client claims: its `Content-Type`, or for a generic one (`application/octet-stream`, none) the file
 * name's extension. A type Accord does not keep is refused before a byte is stored.
 */
export function claimOf(contentType: string | undefined, fileName: string): Claim {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!GENERIC.has(type)) {
    const format = MEDIA_FORMATS.find((candidate) => candidate.claims.includes(type));
    if (format === undefined) {
      throw new UnsupportedMediaType(
        `Accord does not keep ${type} files as recordings; send ${ACCEPTED_LIST} (audio or video, as its media type)`,
      );
    }
    return { format, type };
  }
  const extension = /\.([a-z0-9]{1,8})$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const format = MEDIA_FORMATS.find((candidate) => candidate.extensions.includes(extension));
  if (format === undefined) {
    throw new UnsupportedMediaType(
      `send the recording's media type as Content-Type (audio/mpeg, video/mp4, ...): "${fileName}" does not name one of ${ACCEPTED_LIST}`,
    );
  }
  return { format, type: defaultType(format, extension) };
}

function defaultType(format: MediaFormat, extension: string): string {
  switch (format.id) {
    case 'mp3':
      return 'audio/mpeg';
    case 'm4a':
      return 'audio/mp4';
    case 'wav':
      return 'audio/wav';
    case 'ogg':
      return extension === 'ogv' ? 'video/ogg' : 'audio/ogg';
    case 'mp4':
      return 'video/mp4';
    case 'webm':
      return 'video/webm';
  }
}

/**
 * The media type a file is served as: the usual one of its format, except where the claim or the bytes tell audio
 * from video within one container (`audio/webm`, an Ogg Theora video).
 */
export function servedType(claim: Claim, detected: string): string {
  switch (claim.format.id) {
    case 'webm':
      return claim.type === 'audio/webm' ? 'audio/webm' : 'video/webm';
    case 'ogg':
      return detected === 'ogv' || detected === 'ogm' || claim.type === 'video/ogg' ? 'video/ogg' : 'audio/ogg';
    default:
      return defaultType(claim.format, '');
  }
}

/** A format's label for what file-type detected, to say what a mismatching file really is. */
export function describeDetected(ext: string | undefined, mime: string | undefined): string {
  if (ext === undefined) return 'not a recognisable audio or video file';
  const format = MEDIA_FORMATS.find((candidate) => candidate.detected[0] === ext);
  return format === undefined ? `a ${ext.toUpperCase()} file (${mime})` : `${format.label}`;
}
