export * from './codeTree.js';
export * from './cooccurrence.js';
export * from './exportCsv.js';
export * from './frequency.js';
export * from './gate.js';
export * from './retrieval.js';
export * from './search.js';
export * from './types.js';
