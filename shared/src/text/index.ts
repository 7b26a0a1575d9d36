export * from './fold.js';
export * from './language.js';
export * from './segmentation.js';
