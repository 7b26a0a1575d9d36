import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';

/** What a file's bytes are (file-type reads their signatures), whatever its name or the client says. */
export interface Detected {
  ext: string;
  mime: string;
}

export async function detectFile(path: string): Promise<Detected | undefined> {
  return await fileTypeFromFile(path);
}

export async function detectBytes(bytes: Uint8Array): Promise<Detected | undefined> {
  return await fileTypeFromBuffer(bytes);
}
