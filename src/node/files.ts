// File access for the Node entry: reads name the file on failure; writes go to a temporary file
// in the same folder and are renamed over the target, so the old file survives a crash mid-write.

import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { WgslnetError } from '../gpu/errors.js';
import type { FileIO } from '../io/platform.js';

/** The Buffer's bytes as a plain Uint8Array view (new Uint8Array(buffer) would copy them). */
export const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export const nodeFileIO: FileIO = {
  async readFile(path) {
    try {
      return view(await readFile(path));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new WgslnetError(`${path}: cannot read (${code === 'ENOENT' ? 'no such file' : (e as Error).message})`);
    }
  },
  async writeFileAtomic(path, bytes) {
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw new WgslnetError(`${path}: cannot write (${(e as Error).message})`);
    }
  },
};
