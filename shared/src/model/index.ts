export * from './codebook.js';
export * from './codings.js';
export * from './consensus.js';
export * from './edits.js';
export * from './memo.js';
export * from './themes.js';
export * from './transcript.js';
