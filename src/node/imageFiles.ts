// getImageFiles: every image under a folder, recursively, as fastai's get_image_files — by
// extension (case-insensitive), skipping dot files and dot folders — sorted, so runs agree.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WgslnetError } from '../gpu/errors.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.jpe', '.jfif'];

export function getImageFiles(path: string, opts: { extensions?: string[]; recurse?: boolean } = {}): string[] {
  const exts = (opts.extensions ?? IMAGE_EXTENSIONS).map((e) => e.toLowerCase());
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new WgslnetError(`${path}: no such folder`);
  }
  if (!st.isDirectory()) throw new WgslnetError(`${path}: not a folder`);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (opts.recurse ?? true) walk(full);
      } else if (exts.some((x) => e.name.toLowerCase().endsWith(x))) out.push(full);
    }
  };
  walk(path);
  return out.sort();
}
