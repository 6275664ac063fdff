// A separate process downloading one weight file into the cache (WGSLNET_CACHE_DIR), for the test
// of concurrent downloads: node --import tsx test/helpers/downloadChild.ts <url> <fileName> <hashPrefix>
// Prints the SHA-256 of what it stored, or the error, on one line.

import { createHash } from 'node:crypto';
import { nodeWeightStore } from '../../src/node/weightStore.js';

const [url, fileName, hashPrefix] = process.argv.slice(2) as [string, string, string];
try {
  const got = await nodeWeightStore.download(url, fileName, { hashPrefix });
  console.log(`ok ${createHash('sha256').update(got.bytes).digest('hex')}`);
} catch (e) {
  console.log(`error ${(e as Error).message}`);
  process.exitCode = 1;
}
