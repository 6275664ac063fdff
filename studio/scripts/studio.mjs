#!/usr/bin/env node
// npm run studio: builds the studio when its sources are newer than the last build (or there is
// none), then serves the static site on http://127.0.0.1:<port> and prints the address. It opens
// no browser.   node studio/scripts/studio.mjs [--port 4173] [--rebuild]

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, preview } from 'vite';

const studio = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(studio, '..');
const configFile = join(studio, 'vite.config.ts');
const built = join(studio, 'dist/index.html');

/** The newest modification time under each path (files and folders, recursively). */
function newest(paths) {
  let t = 0;
  const walk = (p) => {
    const s = statSync(p);
    t = Math.max(t, s.mtimeMs);
    if (s.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  for (const p of paths) if (existsSync(p)) walk(p);
  return t;
}

const { values } = parseArgs({ options: { port: { type: 'string', default: '4173' }, rebuild: { type: 'boolean' } } });
const sources = ['studio/src', 'studio/index.html', 'studio/vite.config.ts', 'src', 'shaders', 'docs/convolution.md', 'data/fashion-sample'].map((p) => join(root, p));
if (values.rebuild || !existsSync(built) || newest(sources) > statSync(built).mtimeMs) {
  console.log('building the studio (studio/dist)…');
  await build({ configFile, logLevel: 'warn' });
}
const server = await preview({ configFile, preview: { host: '127.0.0.1', port: Number(values.port), strictPort: false, open: false } });
console.log(`wgslnet studio: ${server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${values.port}/`}`);
console.log('(open it in Chrome or Edge; Ctrl-C stops the server)');
