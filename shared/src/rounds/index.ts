export * from './disagreements.js';
export * from './resolution.js';
export * from './spansInput.js';
export * from './summary.js';
