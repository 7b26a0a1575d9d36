import type { Role } from '../access.js';
import type { DocKind } from '../docNames.js';
import type { ProjectSummary } from '../projects.js';

/** What the REST API answers about projects, members, transcripts and documents (server/src/http/routes/projects.ts). */

export type Project = ProjectSummary;

export interface Member {
  userId: string;
  name: string;
  email: string;
  role: Role;
  addedAt: number;
  /** A deactivated account stays a member (its codings stay attributed) without access. */
  deactivated: boolean;
}

/** A transcript's metadata (its text and turns are the `text` document). */
export interface Transcript {
  id: string;
  projectId: string;
  title: string;
  participant: string;
  attributes: Record<string, string>;
  /** BCP 47 tag of its language when set (`zh`, `ar-EG`); units and search guess from its script when absent. */
  language?: string;
  createdBy: string;
  createdAt: number;
  /** The recording attached to it, if any (`GET .../transcripts/<t>/media` serves it; docs/media.md). */
  media?: TranscriptMedia;
}

/** A recording attached to a transcript, stored byte for byte; `sha256` is of its bytes, checked by `accord check`. */
export interface TranscriptMedia {
  /** The file name it was uploaded as. */
  name: string;
  /** The media type it is served as (`audio/mpeg`, `video/mp4`, ...). */
  type: string;
  bytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: number;
}

/** A document the user may open, with their access: the only place a client learns document names. */
export interface DocEntry {
  name: string;
  kind: DocKind;
  project: string;
  access: 'read' | 'write';
  transcript?: string;
  coder?: string;
  round?: string;
}

export interface ProjectsResponse {
  projects: Project[];
}
export interface ProjectResponse {
  project: Project;
}
export interface ProjectDetailResponse {
  project: Project;
  members: Member[];
}
export interface MembersResponse {
  members: Member[];
}
export interface TranscriptsResponse {
  transcripts: Transcript[];
}
export interface TranscriptResponse {
  transcript: Transcript;
}
/** `POST /api/projects/<p>/transcripts/<t>/media`: the recording as attached. */
export interface MediaResponse {
  media: TranscriptMedia;
}
export interface DocsResponse {
  docs: DocEntry[];
}
