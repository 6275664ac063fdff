// `npm run demo`: fastai's first lesson on real images that ship in the repo. 2,500 Fashion-MNIST
// pictures (data/fashion-sample, from Debian's dataset-fashion-mnist) are named <class>_<index>.png,
// so the label comes from the file name, as in fastai's Pets example:
//
//   dls = ImageDataLoaders.from_name_func(path, get_image_files(path), valid_pct=0.2, seed=42,
//                                         label_func=label_of, item_tfms=Resize(28))
//   learn = vision_learner(dls, resnet18, metrics=error_rate)
//   learn.fine_tune(1)

import { fileURLToPath } from 'node:url';
import { errorRate, getImageFiles, ImageDataLoaders, init, manualSeed, resnet18, Resize, visionLearner } from '../node/index.js';

const path = fileURLToPath(new URL('../../data/fashion-sample', import.meta.url));
const labelOf = (name: string) => name.replace(/_\d+\.png$/, ''); // "ankle_boot_00011.png" → "ankle_boot"

const engine = await init();
console.log(`GPU: ${engine.description}`);
manualSeed(42);
const t0 = performance.now();
const dls = ImageDataLoaders.fromNameFunc(path, getImageFiles(path), { validPct: 0.2, seed: 42, labelFunc: labelOf, itemTfms: [Resize(28)] });
console.log(`${dls.train.items.length} training and ${dls.valid.items.length} validation images, ${dls.c} classes: ${dls.vocab.join(', ')}`);
const learn = visionLearner(dls, resnet18, { metrics: [errorRate] });
await learn.fineTune(1);
const [, , , err] = learn.history.values.at(-1)!;
console.log(`final error_rate ${err!.toFixed(4)} (chance ${(1 - 1 / dls.c).toFixed(2)}) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
