/** What the REST API answers about coding rounds (server/src/http/routes/rounds.ts `roundView`). */

/** One transcript assigned to the signed-in coder in a round. */
export interface Assignment {
  transcriptId: string;
  title: string;
  done: boolean;
  codings: number;
}

/** A round as one member may see it: what a blind round hides from a coder is left out (empty lists). */
export interface RoundView {
  id: string;
  name: string;
  mode: 'blind' | 'open';
  status: 'running' | 'revealed';
  ownerMayLook: boolean;
  createdAt: number;
  revealedAt: number | null;
  forced: boolean;
  sample: { percent: number; seed: number; populationSize: number } | null;
  codebook: { docName: string; sha256: string | null };
  adjudicators: { userId: string; name: string }[];
  mayAdjudicate: boolean;
  transcripts: { transcriptId: string; title: string }[];
  coders: { userId: string; name: string }[];
  myAssignments: Assignment[];
  progress: { transcriptId: string; coder: string; done: boolean; codings?: number }[];
  layers: { transcriptId: string; coder: string; docName: string; access: 'read' | 'write' }[];
  codebookChanges: {
    code: string;
    fields: Record<string, { before: unknown; after: unknown }>;
    memo: string;
    by: string;
    at: number;
  }[];
}

export interface RoundResponse {
  round: RoundView;
}
export interface RoundsResponse {
  rounds: RoundView[];
}
