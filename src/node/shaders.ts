// Reads every .wgsl file under the package's shaders/ folder into [relative path, text] pairs.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHADER_ROOT = fileURLToPath(new URL('../../shaders/', import.meta.url));

export function readShaderFolder(root = SHADER_ROOT): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.wgsl')) out.push([relative(root, p).split(sep).join('/'), readFileSync(p, 'utf8')]);
    }
  };
  walk(root);
  return out;
}
