export * from './access.js';
export * from './agreement/index.js';
export * from './analysis/index.js';
export * from './docNames.js';
export * from './ids.js';
export * from './model/index.js';
export * from './projects.js';
export * from './rounds/index.js';
