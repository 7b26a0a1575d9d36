/**
 * Damage found in a data directory: a file whose bytes changed after they were written, or one that is missing
 * although the rest of the directory says it must exist. Start refuses with the list and changes nothing, and
 * `accord check` prints it (verify.ts); the files stay where they are, as evidence and for a restore to replace.
 */
export interface Damage {
  /** The file (or directory), relative to the data directory. */
  file: string;
  problem: string;
}

export class DataDamagedError extends Error {
  override name = 'DataDamagedError';

  constructor(
    readonly dataDir: string,
    readonly damages: readonly Damage[],
  ) {
    const shown = damages.slice(0, 3).map((d) => `${d.file}: ${d.problem}`);
    if (damages.length > shown.length) shown.push(`and ${damages.length - shown.length} more`);
    super(
      `data directory ${dataDir} is damaged, so it was not opened and nothing in it was changed: ${shown.join('; ')}. ` +
        `Run "accord check --data ${dataDir}" for the full report, and restore the damaged files from a backup.`,
    );
  }
}
