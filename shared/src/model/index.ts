export * from './codebook.js';
export * from './codings.js';
export * from './memo.js';
export * from './transcript.js';
export * from './consensus.js';
