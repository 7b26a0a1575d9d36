import type { AppContext } from '../../server/src/context.js';
import { InProcessMetadata } from '../../server/src/metadata/inProcess.js';
import type { MetadataSnapshot } from '../../server/src/metadata/schema.js';

/**
 * For test set-up that the API cannot reach (a session expired, an account deleted behind the server's back): a raw
 * change of the metadata of a server on the embedded store. Assertions read it through `metadataOf`.
 */
export function editMetadata<T>(ctx: AppContext, change: (data: MetadataSnapshot) => T): Promise<T> {
  if (!(ctx.metadata instanceof InProcessMetadata)) {
    throw new Error(`editMetadata needs an in-process metadata store, not ${ctx.metadata.kind}`);
  }
  return ctx.metadata.edit(change);
}

/** Everything the metadata holds now, as one value. */
export const metadataOf = (ctx: AppContext): Promise<MetadataSnapshot> => ctx.metadata.snapshot();
