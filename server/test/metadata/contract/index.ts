import { afterEach, beforeEach, describe } from 'vitest';
import type { Metadata } from '../../../src/metadata/repositories.js';
import { auditContract } from './audit.js';
import type { MetadataContractTarget, MetadataHarness } from './fixtures.js';
import { invitationsContract } from './invitations.js';
import { projectsContract } from './projects.js';
import { roundsContract } from './rounds.js';
import { sessionsContract } from './sessions.js';
import { storeContract } from './store.js';
import { transcriptsContract } from './transcripts.js';
import { usersContract } from './users.js';

export type { MetadataContractTarget, MetadataHarness } from './fixtures.js';

/** What each interface's suite gets: the store under test (fresh per test) and its harness. */
export interface ContractContext {
  readonly metadata: Metadata;
  readonly harness: MetadataHarness;
  /** Closes and reopens the data (durable stores); the store answered replaces `metadata`. */
  reopen?: () => Promise<Metadata>;
}

/**
 * The contract every metadata implementation keeps (server/src/metadata/repositories.ts), one suite per
 * interface, run by repos.contract.test.ts against each implementation: memory, embedded (meta.json) and
 * PostgreSQL. Modelled on tldraw's storage contract suite, run against its in-memory and SQLite storages. Each
 * rule has an id ([MC-..]) so that a failure names the broken promise.
 */
export function describeMetadataContract(target: MetadataContractTarget): void {
  describe(`metadata contract: ${target.name}`, () => {
    let harness: MetadataHarness;
    let metadata: Metadata;
    const context: ContractContext = {
      get metadata() {
        return metadata;
      },
      get harness() {
        return harness;
      },
    };
    beforeEach(async () => {
      harness = await target.create();
      metadata = await harness.open();
      const reopen = harness.reopen?.bind(harness);
      (context as { reopen?: () => Promise<Metadata> }).reopen =
        reopen &&
        (async () => {
          metadata = await reopen(metadata);
          return metadata;
        });
    });
    afterEach(async () => {
      await harness.dispose();
    });

    usersContract(context);
    sessionsContract(context);
    projectsContract(context);
    transcriptsContract(context);
    roundsContract(context);
    invitationsContract(context);
    auditContract(context);
    storeContract(context);
  });
}
