/** `meta.json` (or what stands for it) cannot be used as it is: damaged, missing beside data, or too new. */
export class CorruptMetadataError extends Error {}
