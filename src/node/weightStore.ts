// Weight files in Node: found in wgslnet's cache or PyTorch's hub cache (so a PyTorch user
// downloads nothing twice), downloaded into wgslnet's cache otherwise.
//   wgslnet's cache  $WGSLNET_CACHE_DIR, else $XDG_CACHE_HOME/wgslnet, else ~/.cache/wgslnet
//   PyTorch's        $TORCH_HOME/hub/checkpoints, else $XDG_CACHE_HOME/torch/hub/checkpoints,
//                    else ~/.cache/torch/hub/checkpoints (torch.hub's own rule)
// A download streams into a temporary file unique to this process while its SHA-256 is computed,
// is checked, and only then renamed into place: a failed or corrupt download leaves nothing, and
// two processes downloading at once each rename a whole, checked file over the same name.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { WgslnetError } from '../gpu/errors.js';
import { checkHash, openDownload } from '../io/download.js';
import { view } from './files.js';
import type { WeightStore } from '../io/weightStore.js';

const env = (name: string): string | undefined => process.env[name] || undefined;
const cacheHome = () => env('XDG_CACHE_HOME') ?? join(homedir(), '.cache');

export function wgslnetCacheDir(): string {
  return env('WGSLNET_CACHE_DIR') ?? join(cacheHome(), 'wgslnet');
}

export function torchHubCacheDir(): string {
  return join(env('TORCH_HOME') ?? join(cacheHome(), 'torch'), 'hub', 'checkpoints');
}

async function readIfThere(path: string): Promise<Uint8Array | null> {
  try {
    return view(await readFile(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new WgslnetError(`${path}: cannot read (${(e as Error).message})`);
  }
}

export const nodeWeightStore: WeightStore = {
  cacheDirs: () => [wgslnetCacheDir(), torchHubCacheDir()],
  offlineHint: (fileName) => `copy ${fileName} into ${wgslnetCacheDir()}`,

  async find(fileName) {
    for (const dir of this.cacheDirs()) {
      const path = join(dir, fileName);
      const bytes = await readIfThere(path);
      if (bytes) return { bytes, where: path };
    }
    return null;
  },

  async download(url, fileName, opts) {
    const { chunks } = await openDownload(url, opts); // throws before anything is created
    const dir = wgslnetCacheDir();
    const path = join(dir, fileName);
    const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
    const hash = createHash('sha256');
    try {
      await mkdir(dir, { recursive: true });
      const out = await open(tmp, 'w');
      try {
        for await (const chunk of chunks) {
          hash.update(chunk);
          await out.write(chunk);
        }
        await out.sync();
      } finally {
        await out.close();
      }
      checkHash(hash.digest('hex'), opts.hashPrefix, url);
      await rename(tmp, path);
    } catch (e) {
      await chunks.return(undefined);
      await rm(tmp, { force: true });
      if (e instanceof WgslnetError) throw e;
      throw new WgslnetError(`${url}: cannot store the download in ${dir} (${(e as Error).message})`);
    }
    return { bytes: view(await readFile(path)), where: path };
  },

  settings: () => ({ baseUrl: env('WGSLNET_WEIGHTS_URL') ?? null, offline: ['1', 'true', 'yes'].includes((env('WGSLNET_OFFLINE') ?? '').toLowerCase()) }),

  urlOf: (source) => (/^https?:\/\//i.test(source) ? source : null),
};
