// Runs the wgslnet command: bin/wgslnet.mjs imports the compiled copy (dist/cli/run.js); from a
// source checkout, `npm run wgslnet -- <args>` runs this file with tsx.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
