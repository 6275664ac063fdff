// The shader files as { "matmul/matmul_naive.wgsl": "<source>", … } (paths under shaders/), for the
// browser bundles: scripts/bundle.mjs (from source) and scripts/build.mjs (dist/ for the package).
// shaders/bench/ holds the benchmarks' probes, which the library never runs: `library` leaves it out.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHADER_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'shaders');

export function shaderTexts({ library = false } = {}) {
  const out = {};
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      const key = relative(SHADER_ROOT, p).split(sep).join('/');
      if (library && key === 'bench') continue;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.wgsl')) out[key] = readFileSync(p, 'utf8');
    }
  };
  walk(SHADER_ROOT);
  return out;
}
