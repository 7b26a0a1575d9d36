/** "Ada Lovelace" -> "AL", "ada" -> "AD": the coder on a bracket's label. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return words[0]!.slice(0, 2).toUpperCase();
  return (words[0]![0]! + words[words.length - 1]![0]!).toUpperCase();
}

/**
 * The short tag of each coder on bracket labels: initials, or where two coders of the project share them ("Cody
 * Coder" and "Cora Coder"), the first name and the last initial, so that a label never names the wrong person.
 */
export function coderTags(members: readonly { userId: string; name: string }[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const member of members) count.set(initialsOf(member.name), (count.get(initialsOf(member.name)) ?? 0) + 1);
  const tags = new Map<string, string>();
  for (const member of members) {
    const initials = initialsOf(member.name);
    if (count.get(initials)! <= 1) {
      tags.set(member.userId, initials);
      continue;
    }
    const words = member.name.trim().split(/\s+/).filter(Boolean);
    const last = words.length > 1 ? ` ${words[words.length - 1]![0]!.toUpperCase()}.` : '';
    tags.set(member.userId, `${words[0] ?? '?'}${last}`);
  }
  return tags;
}
