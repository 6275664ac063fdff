// Where downloaded weight files live. The core never touches node:fs or the Cache Storage API: the
// platform entries install a WeightStore here (Node: ~/.cache/wgslnet and PyTorch's hub cache;
// browsers: Cache Storage). See src/node/weightStore.ts and src/browser/weightStore.ts.

import type { DownloadOptions } from './download.js';

export interface StoredWeights {
  bytes: Uint8Array;
  /** Where the bytes came from (a path, or the cache's name), for messages. */
  where: string;
}

export interface WeightStore {
  /** A copy of `fileName` already on this machine, or null. Looks, in order, where `cacheDirs` says. */
  find(fileName: string): Promise<StoredWeights | null>;
  /**
   * Downloads `url`, checks its SHA-256 against opts.hashPrefix, stores it as `fileName` and returns
   * it. A failure (HTTP error, broken-off body, wrong hash) stores nothing, and two downloads of
   * the same file at once (two processes, two tabs) never leave a corrupt one.
   */
  download(url: string, fileName: string, opts: DownloadOptions): Promise<StoredWeights>;
  /** The places find() looks, in order (for messages). */
  cacheDirs(): string[];
  /** What a user without internet can do to supply `fileName` (for messages). */
  offlineHint(fileName: string): string;
  /** WGSLNET_WEIGHTS_URL (a mirror of torchvision's files) and WGSLNET_OFFLINE, where the platform has an environment. */
  settings(): { baseUrl: string | null; offline: boolean };
  /** How to turn a `pretrained` string into a URL to download, or null when it is a local path. */
  urlOf(source: string): string | null;
}

let store: WeightStore | null = null;

export function setWeightStore(s: WeightStore | null): void {
  store = s;
}

export function weightStore(): WeightStore | null {
  return store;
}
