// File access for weights and checkpoints. The core never imports node:fs: the Node entry
// installs readers and an atomic writer here; in a browser, pass bytes (or a URL to fetch).

import { WgslnetError } from '../gpu/errors.js';

export interface FileIO {
  readFile(path: string): Promise<Uint8Array>;
  /** Writes via a temporary file and a rename, so a crash never leaves a half-written file. */
  writeFileAtomic(path: string, bytes: Uint8Array): Promise<void>;
}

let io: FileIO | null = null;

export function setFileIO(f: FileIO): void {
  io = f;
}

export async function readBytes(source: string | Uint8Array | ArrayBuffer): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (io) return io.readFile(source);
  if (typeof fetch === 'function') {
    const r = await fetch(source);
    if (!r.ok) throw new WgslnetError(`${source}: HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  }
  throw new WgslnetError(`${source}: no file access here; pass the file's bytes`);
}

export async function writeBytes(path: string, bytes: Uint8Array): Promise<void> {
  if (!io) throw new WgslnetError(`${path}: no file access here (in a browser, use the returned bytes)`);
  await io.writeFileAtomic(path, bytes);
}
