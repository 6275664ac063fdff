#!/usr/bin/env node
// The `wgslnet` command: runs the compiled CLI in dist/ with plain Node. In a source checkout,
// `npm run build` makes dist/ (or `npm run wgslnet -- <args>` runs the sources through tsx).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error('wgslnet: dist/ is missing (a source checkout): run `npm run build` first, or `npm run wgslnet -- <args>`');
  process.exit(1);
}
await import(compiled.href);
