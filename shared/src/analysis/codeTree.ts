/** Just what the analysis needs of a code: its place in the hierarchy. */
export interface CodeNodeRef {
  id: string;
  parent: string | null;
}

/**
 * The code and all codes below it (subcodes, their subcodes...). Parent cycles, which two concurrent moves can
 * create, are cut: every code is visited once.
 */
export function selfAndDescendants(codes: readonly CodeNodeRef[], id: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const code of codes) {
    if (code.parent === null) continue;
    const siblings = children.get(code.parent);
    if (siblings === undefined) children.set(code.parent, [code.id]);
    else siblings.push(code.id);
  }
  const found = new Set<string>([id]);
  const pending = [id];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const child of children.get(next) ?? []) {
      if (found.has(child)) continue;
      found.add(child);
      pending.push(child);
    }
  }
  return found;
}

/**
 * For each code, the codes it counts for when subcodes roll up into their ancestors: itself first, then its
 * parent, grandparent... up to the top level (cycles cut).
 */
export function rollUpTargets(codes: readonly CodeNodeRef[]): Map<string, string[]> {
  const parentOf = new Map(codes.map((code) => [code.id, code.parent]));
  const targets = new Map<string, string[]>();
  for (const code of codes) {
    const chain = [code.id];
    for (let parent = code.parent; parent !== null && parentOf.has(parent) && !chain.includes(parent); ) {
      chain.push(parent);
      parent = parentOf.get(parent) ?? null;
    }
    targets.set(code.id, chain);
  }
  return targets;
}
