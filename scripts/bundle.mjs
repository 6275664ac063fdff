#!/usr/bin/env node
// Builds the browser bundle: one ES module with the core and every shaders/**/*.wgsl file inlined
// (through the virtual module 'wgslnet:shaders'), so a page needs nothing but this script.
//   node scripts/bundle.mjs [entry] [outfile]     (default: src/browser/index.ts → dist/wgslnet.js)

import { build } from 'esbuild';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shaderTexts } from './shaders.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** { "matmul/matmul_naive.wgsl": "<source>", … } for every file under shaders/ (also used by studio/vite.config.ts). */
export { shaderTexts };

const shadersPlugin = {
  name: 'wgslnet-shaders',
  setup(b) {
    b.onResolve({ filter: /^wgslnet:shaders$/ }, () => ({ path: 'shaders', namespace: 'wgslnet' }));
    b.onLoad({ filter: /.*/, namespace: 'wgslnet' }, () => ({ contents: `export default ${JSON.stringify(shaderTexts())};`, loader: 'js' }));
  },
};

/** Bundles `entry`; returns the code when `outfile` is omitted. */
export async function bundle(entry = join(root, 'src/browser/index.ts'), outfile) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: outfile ? 'linked' : false,
    write: Boolean(outfile),
    outfile: outfile ?? 'out.js',
    plugins: [shadersPlugin],
    logLevel: 'warning',
  });
  return outfile ? null : result.outputFiles[0].text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entry = process.argv[2] ? join(process.cwd(), process.argv[2]) : undefined;
  const out = join(process.cwd(), process.argv[3] ?? 'dist/wgslnet.js');
  await bundle(entry, out);
  console.log(`wrote ${relative(process.cwd(), out)}`);
}
