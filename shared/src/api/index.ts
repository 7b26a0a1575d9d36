export * from './accounts.js';
export * from './analysis.js';
export * from './importExport.js';
export * from './overviews.js';
export * from './projects.js';
export * from './rounds.js';
