// Package root for bundlers without the "node" condition: the browser entry.
export * from './browser/index.js';
