// The shader files as { "matmul/matmul_naive.wgsl": "<source>", … } (paths under shaders/), for the
// browser bundles: scripts/bundle.mjs (from source) and scripts/build.mjs (dist/ for the package).

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHADER_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'shaders');

export function shaderTexts() {
  const out = {};
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.wgsl')) out[relative(SHADER_ROOT, p).split(sep).join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(SHADER_ROOT);
  return out;
}
