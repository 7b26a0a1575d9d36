import { type Access, type DocRef, docName } from '@accord/shared';
import type { AppContext } from '../context.js';
import { AccessReader, type DocDecision, runningRoundOf } from './docAccess.js';

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
  private readonly looks = new Map<string, { project: string; docs: Set<string> }>();
  /** Reads each project, its rounds and accounts once for all the decisions of this request. */
  private readonly reader: AccessReader;

  constructor(
    private readonly ctx: AppContext,
    /** The user reading, or null for the operator's offline CLI. */
    readonly userId: string | null,
    /** What the reads are for, as the audit entry names it (`export`, `agreement`, `report`, ...). */
    readonly via: string,
  ) {
    this.reader = new AccessReader(ctx.metadata);
  }

  /** The access decision for `ref`; a granted blind-round look is noted for `recordLooks`. */
  async decide(ref: DocRef): Promise<DocDecision> {
    if (this.userId === null) {
      if (await this.hiddenInBlindRound(ref)) await this.note(ref);
      return { access: 'read', awareness: 'full', blindLook: false };
    }
    const decision = await this.reader.decide(this.userId, ref);
    if (decision.access !== 'none' && decision.blindLook) await this.note(ref);
    return decision;
  }

  async access(ref: DocRef): Promise<Access> {
    return (await this.decide(ref)).access;
  }

  /** Writes one `round.look` per round looked into since the last call; nothing when no hidden layer was read. */
  async recordLooks(): Promise<void> {
    for (const [round, { project, docs }] of this.looks) {
      await this.ctx.metadata.audit.record({
        actor: this.userId,
        action: 'round.look',
        project,
        details: { round, via: this.via, docs: [...docs].sort() },
      });
    }
    this.looks.clear();
  }

  private async note(ref: DocRef): Promise<void> {
    if (!('transcript' in ref)) return;
    const round = runningRoundOf(await this.reader.roundsOf(ref.project), ref.transcript);
    if (round === null) return;
    const look = this.looks.get(round.id) ?? { project: round.projectId, docs: new Set<string>() };
    look.docs.add(docName(ref));
    this.looks.set(round.id, look);
  }

  private async hiddenInBlindRound(ref: DocRef): Promise<boolean> {
    if (ref.kind !== 'codings' && ref.kind !== 'consensus') return false;
    return runningRoundOf(await this.reader.roundsOf(ref.project), ref.transcript)?.mode === 'blind';
  }
}
