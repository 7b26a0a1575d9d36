export * from './accounts.js';
export * from './projects.js';
export * from './rounds.js';
