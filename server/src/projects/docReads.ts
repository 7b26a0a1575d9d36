import { type Access, type DocRef, docName } from '@accord/shared';
import type { AppContext } from '../context.js';
import { type DocDecision, decideDocAccess, runningRound } from './docAccess.js';

/**
 * One request's reads of project documents. Each read is decided exactly as a WebSocket join is
 * (`decideDocAccess`); an owner's look into a running blind round, which the round may allow, is granted but
 * noted, and `recordLooks()` writes one `round.look` audit entry per round whose hidden layers were read, naming
 * them, before anything read is answered. Every server path that reads coder layers for a user (export, round
 * views, reports, the analysis gate) reads through one of these, so none can forget the audit.
 *
 * Without a user (the offline CLI, run by the operator on the data directory), every document is readable; a coder
 * layer or consensus of a running blind round read that way is still a look, written with no actor.
 */
export class DocReads {
  /** Round id -> names of the hidden documents read in it. */
  private readonly looks = new Map<string, Set<string>>();

  constructor(
    private readonly ctx: AppContext,
    /** The user reading, or null for the operator's offline CLI. */
    readonly userId: string | null,
    /** What the reads are for, as the audit entry names it (`export`, `agreement`, `report`, ...). */
    readonly via: string,
  ) {}

  /** The access decision for `ref`; a granted blind-round look is noted for `recordLooks`. */
  decide(ref: DocRef): DocDecision {
    if (this.userId === null) {
      if (this.hiddenInBlindRound(ref)) this.note(ref);
      return { access: 'read', awareness: 'full', blindLook: false };
    }
    const decision = decideDocAccess(this.ctx.store, this.userId, ref);
    if (decision.access !== 'none' && decision.blindLook) this.note(ref);
    return decision;
  }

  access(ref: DocRef): Access {
    return this.decide(ref).access;
  }

  /** Writes one `round.look` per round looked into since the last call; nothing when no hidden layer was read. */
  recordLooks(): void {
    for (const [round, docs] of this.looks) {
      const project = this.ctx.store.data.rounds.find((candidate) => candidate.id === round)?.projectId;
      this.ctx.audit.record({
        actor: this.userId,
        action: 'round.look',
        ...(project === undefined ? {} : { project }),
        details: { round, via: this.via, docs: [...docs].sort() },
      });
    }
    this.looks.clear();
  }

  private note(ref: DocRef): void {
    if (!('transcript' in ref)) return;
    const round = runningRoundId(this.ctx, ref.project, ref.transcript);
    if (round === null) return;
    const docs = this.looks.get(round) ?? new Set<string>();
    docs.add(docName(ref));
    this.looks.set(round, docs);
  }

  private hiddenInBlindRound(ref: DocRef): boolean {
    if (ref.kind !== 'codings' && ref.kind !== 'consensus') return false;
    return runningRound(this.ctx.store, ref.project, ref.transcript)?.mode === 'blind';
  }
}

function runningRoundId(ctx: AppContext, projectId: string, transcriptId: string): string | null {
  const round = ctx.store.data.rounds.find(
    (candidate) =>
      candidate.projectId === projectId &&
      candidate.status === 'running' &&
      candidate.assignments.some((assignment) => assignment.transcriptId === transcriptId),
  );
  return round?.id ?? null;
}
