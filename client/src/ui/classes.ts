/** Accord's class first, then the caller's (a string only: the look comes from CSS, not from render state). */
export function classes(base: string, extra: unknown): string {
  return typeof extra === 'string' && extra ? `${base} ${extra}` : base;
}
