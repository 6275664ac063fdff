// Weight files in a browser: kept in the Cache Storage under 'wgslnet-weights', by file name, so a
// page reload (or another page of the same site) downloads nothing twice. A download is read whole,
// its SHA-256 checked with crypto.subtle, and only then put in the cache (one put: the entry is
// there whole or not at all). Files the user picks need no store: pass the File as `pretrained`.

import { checkHash, openDownload, toHex } from '../io/download.js';
import type { WeightStore } from '../io/weightStore.js';

export const CACHE_NAME = 'wgslnet-weights';
/** The Cache Storage key of a weight file: a URL that is never fetched (.invalid is reserved for that). */
export const cacheKeyOf = (fileName: string) => `https://wgslnet.invalid/weights/${encodeURIComponent(fileName)}`;
const hasCache = () => typeof caches !== 'undefined';

export const browserWeightStore: WeightStore = {
  cacheDirs: () => [`the browser's Cache Storage ('${CACHE_NAME}')`],
  offlineHint: (fileName) => `let the user pick ${fileName} and pass the File as { pretrained: file }, or serve it from this site and pass its URL`,

  async find(fileName) {
    if (!hasCache()) return null;
    const hit = await (await caches.open(CACHE_NAME)).match(cacheKeyOf(fileName));
    return hit ? { bytes: new Uint8Array(await hit.arrayBuffer()), where: `Cache Storage '${CACHE_NAME}', ${fileName}` } : null;
  },

  async download(url, fileName, opts) {
    const { total, chunks } = await openDownload(url, opts);
    let bytes = new Uint8Array(total ?? 1 << 20);
    let n = 0;
    for await (const chunk of chunks) {
      if (n + chunk.byteLength > bytes.byteLength) {
        const grown = new Uint8Array(Math.max(2 * bytes.byteLength, n + chunk.byteLength));
        grown.set(bytes.subarray(0, n));
        bytes = grown;
      }
      bytes.set(chunk, n);
      n += chunk.byteLength;
    }
    bytes = bytes.subarray(0, n);
    checkHash(toHex(await crypto.subtle.digest('SHA-256', bytes)), opts.hashPrefix, url);
    if (hasCache()) await (await caches.open(CACHE_NAME)).put(cacheKeyOf(fileName), new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
    return { bytes, where: url };
  },

  settings: () => ({ baseUrl: null, offline: typeof navigator !== 'undefined' && navigator.onLine === false }),

  urlOf: (source) => new URL(source, globalThis.location?.href).href,
};
