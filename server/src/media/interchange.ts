import type { AppContext } from '../context.js';
import { AccordError } from '../errors.js';
import type { QdpxRecording } from '../export/refiQda.js';
import type { ImportedRecording } from '../import/refiQda.js';
import type { ProjectBundle } from '../interchange/bundle.js';
import { guidForId } from '../interchange/guid.js';
import { commitRecording, discardRecording, mediaKeyOf, mediaStore, receiveRecording } from './media.js';

/**
 * Recordings through REFI-QDA (docs/media.md): a `.qdpx` export carries each transcript's recording as an audio or
 * video source, and an import attaches the recordings a `.qdpx` holds to the transcripts it created.
 */

/** The most recording bytes one `.qdpx` export holds (it is built in memory); past it, sources only name them. */
export const MAX_EXPORTED_RECORDING_BYTES = 1024 * 1024 * 1024;

/** The recordings of a project's transcripts in `bundle` (by the GUIDs `readBundle` derives from their ids). */
export async function recordingsForExport(
  ctx: AppContext,
  projectId: string,
  bundle: ProjectBundle,
  maxBytes = MAX_EXPORTED_RECORDING_BYTES,
): Promise<QdpxRecording[]> {
  const store = await mediaStore(ctx);
  const inBundle = new Set(bundle.transcripts.map((transcript) => transcript.guid));
  const recordings: QdpxRecording[] = [];
  let total = 0;
  for (const transcript of await ctx.metadata.transcripts.listByProject(projectId)) {
    const key = mediaKeyOf(transcript);
    if (transcript.media === undefined || key === null) continue;
    const guid = guidForId(transcript.id);
    if (!inBundle.has(guid)) continue;
    const recording: QdpxRecording = { transcriptGuid: guid, name: transcript.media.name, type: transcript.media.type };
    if (total + transcript.media.bytes <= maxBytes) {
      const chunks: Buffer[] = [];
      for await (const chunk of store.read(key)) chunks.push(chunk as Buffer);
      recording.bytes = Buffer.concat(chunks);
      total += transcript.media.bytes;
    }
    recordings.push(recording);
  }
  return recordings;
}

/**
 * Attaches recordings read from a `.qdpx` to the transcripts the import just created (`transcriptIds`, from
 * `writeBundle`). A recording that is not acceptable (a format Accord does not keep, cut short) is left out with a
 * warning: the rest of the project stands.
 */
export async function attachImportedRecordings(
  ctx: AppContext,
  actorId: string,
  written: { projectId: string; transcriptIds: readonly { guid: string; id: string }[] },
  recordings: readonly ImportedRecording[],
  warnings: string[],
): Promise<number> {
  const { projectId } = written;
  let attached = 0;
  for (const recording of recordings) {
    const id = written.transcriptIds.find((entry) => entry.guid === recording.transcriptGuid)?.id;
    const transcript = id === undefined ? null : await ctx.metadata.transcripts.get(projectId, id);
    if (transcript === null) {
      warnings.push(`${recording.name}: its transcript was not imported; the recording was left out`);
      continue;
    }
    try {
      const checked = await receiveRecording(ctx, {
        name: recording.name,
        contentType: undefined,
        declaredBytes: recording.bytes.byteLength,
        body: [recording.bytes],
      });
      try {
        await commitRecording(ctx, checked, { actorId, projectId, transcriptId: transcript.id });
        attached++;
      } finally {
        await discardRecording(ctx, checked);
      }
    } catch (error) {
      if (!(error instanceof AccordError)) throw error;
      warnings.push(`${error.message} (the recording was not attached; the transcript was imported)`);
    }
  }
  return attached;
}
