// Where kernel source text comes from. The core never touches the file system: the Node entry fills
// this store by reading shaders/ from disk, the browser entry from a bundle built from the same files.
// Keys are paths relative to shaders/, e.g. "matmul/matmul_tiled.wgsl".

import { WgslnetError } from './errors.js';

const texts = new Map<string, string>();

export function addShaderTexts(entries: Iterable<[string, string]>): void {
  for (const [file, text] of entries) texts.set(file, text);
}

export function shaderText(file: string): string {
  const text = texts.get(file);
  if (text === undefined) {
    throw new WgslnetError(
      `kernel file shaders/${file} is not loaded (${texts.size} shader files known). ` +
        `Call init() first, or check the file name.`,
    );
  }
  return text;
}

export function shaderFiles(): string[] {
  return [...texts.keys()].sort();
}
