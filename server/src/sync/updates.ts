import * as Y from 'yjs';

/** An update as `Y.decodeUpdate` gives it: decoded once, then checked for completeness and for content. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * Whether `update` can be integrated into `doc` completely. Yjs keeps structs whose dependencies are missing as
 * "pending" inside the document, invisible and unpersistable: a client that sends such an update (buggy or
 * hostile) would make the server hold data it can neither store nor serve. Every struct must continue its
 * client's clock without a gap, every origin and parent it points to must exist in the document or the update,
 * and every deletion must target existing clocks.
 */
export function isSelfContained(doc: Y.Doc, update: Uint8Array | DecodedUpdate): boolean {
  const { structs, ds } = update instanceof Uint8Array ? Y.decodeUpdate(update) : update;
  const known = new Map<number, number>();
  const available = (client: number): number => {
    let clock = known.get(client);
    if (clock === undefined) {
      clock = Y.getState(doc.store, client);
      known.set(client, clock);
    }
    return clock;
  };
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue;
    const { client, clock } = struct.id;
    const end = available(client);
    if (clock > end) return false;
    known.set(client, Math.max(end, clock + struct.length));
  }
  const exists = (id: Y.ID | null): boolean => id === null || id.clock < available(id.client);
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (!exists(struct.origin) || !exists(struct.rightOrigin)) return false;
    if (struct.parent instanceof Y.ID && !exists(struct.parent)) return false;
  }
  for (const [client, deletes] of ds.clients) {
    const end = available(client);
    for (const range of deletes) if (range.clock + range.len > end) return false;
  }
  return true;
}

/** An update that carries no structs and no deletions (what a synced client sends as its sync step 2). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}
