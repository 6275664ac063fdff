// Time series → images → resnet18: the six Synthetic Control Chart classes (Alcock and
// Manolopoulos 1999), 100 charts of each generated from the published formulas with a seed
// (bench/data/controlCharts.ts), drawn as Gramian angular summation and difference fields and the
// Markov transition field (pyts' definitions) in the red, green and blue channels, 60 × 60.
// A seeded 20 % of the charts are held out.
//   npx tsx bench/convert/controlCharts.ts [--per-class 100] [--methods gasf,gadf,mtf] [--epochs 6] [--lr 3e-3] [--out bench/out]

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { init, RandomSplitter, seriesImages, type SeriesMethod } from '../../src/node/index.js';
import { controlCharts } from '../data/controlCharts.js';
import { exampleGrid, load, train, type Item } from './common.js';

const { values } = parseArgs({ options: { 'per-class': { type: 'string' }, methods: { type: 'string' }, epochs: { type: 'string' }, lr: { type: 'string' }, bs: { type: 'string' }, out: { type: 'string' } } });
const out = values.out ?? 'bench/out';
const methods = (values.methods ?? 'gasf,gadf,mtf').split(',') as SeriesMethod[];

const engine = await init();
console.log(`GPU: ${engine.description}; load average ${load()}`);
const { series, labels } = controlCharts(Number(values['per-class'] ?? 100), 1999);
const t0 = performance.now();
const images = await seriesImages(series, { methods });
const secs = (performance.now() - t0) / 1000;
console.log(`drew ${series.length} charts of 60 points as ${methods.join(' / ')} images (60 × 60) in ${secs.toFixed(2)} s on the GPU`);
const items: Item[] = images.map((image, i) => ({ name: `${labels[i]}/${i}`, image, label: labels[i]!, group: `chart ${i}` }));
await exampleGrid(items, 8, join(out, 'control-charts-examples.png'));

const r = await train(items, { splitter: RandomSplitter(0.2, 7), epochs: Number(values.epochs ?? 6), lr: Number(values.lr ?? 3e-3), bs: Number(values.bs ?? 32), seed: 42 });
console.log(`control charts: error_rate ${r.error.toFixed(4)} on ${r.valid} held-out charts (chance ${(1 - 1 / r.classes).toFixed(3)}); training ${(r.seconds / 60).toFixed(1)} min; load average ${load()}`);
