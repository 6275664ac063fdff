// Debian's Chromium with WebGPU on SwiftShader (no GPU needed), for the browser tests and the
// browser bench: a page bundled with scripts/bundle.mjs, served from 127.0.0.1 (WebGPU needs a
// secure context; a page made with setContent gets no adapter), driven by playwright-core.

import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { bundle } from './bundle.mjs';

export const CHROMIUM = '/usr/bin/chromium';

/** Chromium's flags: WebGPU on SwiftShader, headless, and nothing that reaches the network. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm run setup\` (installs Debian's chromium as root).`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Bundles `entry` (with every shader inlined) and serves it as /page.js under a blank page on
 * 127.0.0.1. `routes(url)` may answer other paths: it returns { type, body } or undefined (404).
 * Returns the page's URL and a close() for the server.
 */
export async function servePage(entry, routes = () => undefined) {
  const code = await bundle(entry);
  const html = '<!doctype html><meta charset="utf-8"><title>wgslnet</title><script type="module" src="/page.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/page.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
    if (req.url === '/' || req.url === '/index.html') return res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    if (req.url === '/favicon.ico') return res.writeHead(204).end();
    const r = routes(req.url ?? '');
    if (r) res.writeHead(200, { 'content-type': r.type }).end(r.body);
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}
