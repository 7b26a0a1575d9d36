/** What the REST API answers about imports (server/src/http/routes/importExport.ts). */

/** A speaker found in an uploaded transcript. */
export interface DetectedSpeaker {
  name: string;
  turns: number;
  /** A more frequent speaker this one is probably a misspelling of. */
  similarTo?: string;
}

export interface TranscriptPreview {
  title: string;
  characters: number;
  turns: number;
  speakers: DetectedSpeaker[];
  excerpt: string;
}

/** A coder of a `.qdpx`, with the account the server would match them to. */
export interface CoderPreview {
  guid: string;
  name: string;
  suggestedAccount: string | null;
}

/** `POST /api/projects/<p>/import/files`: one file read for a preview; nothing is written until the import. */
export interface UploadPreview {
  id: string;
  name: string;
  summary: {
    transcripts: number;
    codes: number;
    users: number;
    memos: number;
    codingsPerCoder: Record<string, number>;
  };
  warnings: string[];
  transcripts: TranscriptPreview[];
  codes: { guid: string; name: string; parentGuid?: string | null }[];
  coders: CoderPreview[];
}

export interface UploadResponse {
  upload: UploadPreview;
}

/** `POST /api/projects/<p>/import`: what was written. */
export interface ImportResponse {
  projectId: string;
  summary: UploadPreview['summary'];
  createdAccounts: { id: string; name: string; email: string }[];
  reusedCodes: number;
  /** Each imported transcript's id in the project, by the GUID it had in the import. */
  transcriptIds: { guid: string; id: string }[];
  warnings: string[];
}
