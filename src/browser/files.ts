// Files in a browser: a page has no file system, so what wgslnet writes (learn.export, learn.save,
// showBatch's PNG, the plots) goes into this in-memory store under its path, whole or not at all,
// and reading a path looks here first, then fetches it as a URL. A page hands the bytes to the
// user as a download (memoryFiles.get) and puts files the user picked here (memoryFiles.set) so
// that learn.load(name) or loadLearner(name) can read them.

import { WgslnetError } from '../gpu/errors.js';
import type { FileIO } from '../io/platform.js';

const store = new Map<string, Uint8Array>();

export const memoryFiles = {
  /** The bytes last written to `path`, or undefined. */
  get(path: string): Uint8Array | undefined {
    return store.get(path);
  },
  set(path: string, bytes: Uint8Array): void {
    store.set(path, bytes);
  },
  delete(path: string): boolean {
    return store.delete(path);
  },
  paths(): string[] {
    return [...store.keys()].sort();
  },
};

export const browserFileIO: FileIO = {
  async readFile(path) {
    const held = store.get(path);
    if (held) return held;
    let r: Response;
    try {
      r = await fetch(path);
    } catch (e) {
      throw new WgslnetError(`${path}: cannot read (${(e as Error).message})`);
    }
    if (!r.ok) throw new WgslnetError(`${path}: cannot read (HTTP ${r.status})`);
    return new Uint8Array(await r.arrayBuffer());
  },
  async writeFileAtomic(path, bytes) {
    // One Map.set: a reader sees the old bytes or the new ones, never a mix.
    store.set(path, bytes.slice());
  },
};
