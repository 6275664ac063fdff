// How the tests run the wgslnet command: the TypeScript sources through tsx, in a child process
// (bin/wgslnet.mjs runs the compiled dist/, which only `npm run build` makes; package.test.ts
// runs that one, from an installed tarball). Spawn `process.execPath` with [...WGSLNET, ...args].

import { fileURLToPath } from 'node:url';

export const WGSLNET = ['--import', 'tsx', fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url))];
