// Spoken digits → log-mel spectrograms → resnet18, split by voice: Debian's espeak-ng says "zero"
// … "nine" in 8 English accents × 6 voice variants, each digit twice at a random speed (120–230
// words/min) and pitch (25–75); 20 % of the voices (accent + variant) are held out, so the
// validation voices are never heard in training.
//   apt-get install espeak-ng        (once)
//   npx tsx bench/convert/soundDigits.ts [--data /tmp/wgslnet-digits] [--epochs 6] [--lr 3e-3] [--out bench/out]
// The WAV files are made once into --data (class folders zero/ … nine/) and reused.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { imagesFrom, init } from '../../src/node/index.js';
import { Rng } from '../../src/tensor/random.js';
import { exampleGrid, groupSplitter, load, train, type Item } from './common.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, epochs: { type: 'string' }, lr: { type: 'string' }, bs: { type: 'string' }, out: { type: 'string' } } });
const data = values.data ?? '/tmp/wgslnet-digits';
const out = values.out ?? 'bench/out';
const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const ACCENTS = ['en-gb', 'en-us', 'en-gb-scotland', 'en-gb-x-gbclan', 'en-gb-x-rp', 'en-gb-x-gbcwmd', 'en-029', 'en-us-nyc'];
const VARIANTS = ['m1', 'm3', 'm7', 'f2', 'f4', 'klatt'];
const TAKES = 2;

if (spawnSync('espeak-ng', ['--version']).status !== 0) {
  console.error('espeak-ng is not installed: apt-get install espeak-ng');
  process.exit(1);
}

// Make the clips: <data>/<digit>/<accent>+<variant>_<take>.wav (written to a temporary name first).
const rng = new Rng(12);
let made = 0;
const t0 = performance.now();
for (const accent of ACCENTS) {
  for (const variant of VARIANTS) {
    for (const digit of DIGITS) {
      for (let take = 0; take < TAKES; take++) {
        const [speed, pitch] = [120 + rng.int(111), 25 + rng.int(51)];
        const file = join(data, digit, `${accent}+${variant}_${take}.wav`);
        if (existsSync(file)) continue;
        mkdirSync(join(data, digit), { recursive: true });
        const r = spawnSync('espeak-ng', ['-v', `${accent}+${variant}`, '-s', String(speed), '-p', String(pitch), '-w', `${file}.tmp`, digit]);
        if (r.status !== 0) throw new Error(`espeak-ng failed for ${file}: ${r.stderr}`);
        renameSync(`${file}.tmp`, file);
        made++;
      }
    }
  }
}
if (made) console.log(`espeak-ng: ${made} clips in ${((performance.now() - t0) / 1000).toFixed(1)} s into ${data}`);

const engine = await init();
console.log(`GPU: ${engine.description}; load average ${load()}`);
// 0.8 s at 16 kHz (the slowest digits last about 0.7 s), 64 mel bands, hop 200 → 64 × 65, squished to 64 × 64.
const sound = { sampleRate: 16000, nFft: 512, hop: 200, nMels: 64, fMax: 8000, duration: 0.8 };
const t1 = performance.now();
const converted = await imagesFrom('sound', data, { sound, size: 64 });
const convSecs = (performance.now() - t1) / 1000;
console.log(`converted ${converted.length} WAV files to 64×64 log-mel spectrograms in ${convSecs.toFixed(1)} s (${(converted.length / convSecs).toFixed(0)} files/s, GPU FFT + mel matmul)`);
const items: Item[] = converted.map((c) => ({ name: c.name, image: c.image, label: c.label!, group: c.name.split('/')[1]!.replace(/_\d+\.png$/, '') }));
await exampleGrid(items, 8, join(out, 'sound-digits-examples.png'));

const r = await train(items, { splitter: groupSplitter(items, 0.2, 3), epochs: Number(values.epochs ?? 6), lr: Number(values.lr ?? 3e-3), bs: Number(values.bs ?? 32), seed: 42 });
console.log(`sound digits: error_rate ${r.error.toFixed(4)} on ${r.valid} clips of unheard voices (chance ${(1 - 1 / r.classes).toFixed(3)}); training ${(r.seconds / 60).toFixed(1)} min; load average ${load()}`);
