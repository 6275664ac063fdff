// The studio's build: a static site (index.html, the page script, two Web Workers that import the
// package, the Fashion-MNIST sample, and docs/convolution.md rendered to HTML). The page imports
// 'wgslnet' like any user; here that name is the package's browser entry, and the virtual module
// 'wgslnet:shaders' it imports is filled with the shaders/ folder, as scripts/bundle.mjs does for
// esbuild.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { Marked } from 'marked';
import { gfmHeadingId } from 'marked-gfm-heading-id';
import { shaderTexts } from '../scripts/bundle.mjs';

const studio = dirname(fileURLToPath(import.meta.url));
const root = join(studio, '..');
const SAMPLE = join(root, 'data/fashion-sample');

/** 'wgslnet:shaders' → { "conv/conv2d_naive.wgsl": "<source>", … }. */
function shaders(): Plugin {
  const id = '\0wgslnet:shaders';
  return {
    name: 'wgslnet-shaders',
    resolveId: (s) => (s === 'wgslnet:shaders' ? id : null),
    load: (s) => (s === id ? `export default ${JSON.stringify(shaderTexts())};` : null),
  };
}

/** docs/convolution.md as a page; links to .wgsl files open the studio's source view. */
function convolutionDoc(): string {
  const md = readFileSync(join(root, 'docs/convolution.md'), 'utf8').replace(/\]\(\.\.\/shaders\/([^)]+\.wgsl)\)/g, '](../index.html#kernel=$1)').replace(/\]\(\.\.\/[^)]+\)/g, ']()');
  const body = new Marked(gfmHeadingId()).parse(md) as string;
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>How a convolution runs in wgslnet</title><link rel="icon" href="data:,">
<style>body{font:16px/1.55 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
pre{background:#f4f5f8;padding:.8rem;overflow:auto}code{font-size:.9em}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.2rem .5rem}
:target{background:#fff6d5}a[href=""]{color:inherit;text-decoration:none}</style>
<p><a href="../index.html#lab">← back to the convolution lab</a></p>${body}`;
}

/** The sample images (sample/fashion/*.png with index.json) and the rendered doc, in the site. */
function siteFiles(): Plugin {
  return {
    name: 'wgslnet-studio-files',
    apply: 'build',
    generateBundle() {
      const names = readdirSync(SAMPLE).filter((n) => n.endsWith('.png')).sort();
      for (const n of names) this.emitFile({ type: 'asset', fileName: `sample/fashion/${n}`, source: readFileSync(join(SAMPLE, n)) });
      this.emitFile({ type: 'asset', fileName: 'sample/fashion/index.json', source: JSON.stringify(names) });
      this.emitFile({ type: 'asset', fileName: 'docs/convolution.html', source: convolutionDoc() });
    },
  };
}

/** Bundler notes that are not problems: the package's lazy weights import is also static elsewhere,
 * and on a busy machine the build's plugin timings. */
const quiet = { checks: { ineffectiveDynamicImport: false, bundlerTimings: false } };

export default defineConfig({
  root: studio,
  base: './',
  publicDir: false,
  resolve: { alias: { wgslnet: join(root, 'src/browser/index.ts') } },
  plugins: [shaders(), siteFiles()],
  worker: { format: 'es', plugins: () => [shaders()], rolldownOptions: quiet },
  build: { outDir: join(studio, 'dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000, rolldownOptions: quiet },
  preview: { host: '127.0.0.1', open: false },
  logLevel: 'warn',
});
