// The wgslnet command: train, predict, lr-find, convert and profile, from the shell.
//   wgslnet train <folder> [--arch resnet18] [--label folder|upper|re:<regex>] [--size 64] …
//   wgslnet predict <model.safetensors> <image…>
//   wgslnet lr-find <folder> [same data options] [--plot lr_find.png]
//   wgslnet convert <in.pth> <out.safetensors>
//   wgslnet profile [--arch resnet18 --size 64 --bs 16] [--forward] [--wall-clock]
//   wgslnet images-from sound|series|bytes <input> <output-folder>   (src/cli/imagesFrom.ts)
// Bad input gets one line on stderr and exit status 1; a bad command line, the usage and status 2.

import { parseArgs } from 'node:util';
import { WgslnetError } from '../gpu/errors.js';
import { ARCHS } from '../learner/archs.js';
import { loadLearner } from '../learner/checkpoint.js';
import { errorRate } from '../learner/metrics.js';
import { visionLearner } from '../learner/visionLearner.js';
import { init, manualSeed, setDecodeWorkers } from '../node/index.js';
import { DECODERS, type Decoder } from '../data/loader.js';
import { labeller, loadData, type DataArgs } from './data.js';
import { convertPth, CONVERT_HELP } from './convert.js';
import { takePretrainedArg } from './pretrainedArg.js';
import { profileCommand } from './profile.js';
import { imagesFromCommand } from './imagesFrom.js';

const DATA_HELP = `  --label folder|upper|re:<regex>  how to label: parent folder (default), Pets' upper-case
                                   first letter, or a regex's first capture group on the file name
  --size <px>          images are resized (centre/random crop) to size×size (default 64)
  --bs <n>             batch size (default 64)
  --valid-pct <f>      fraction held out for validation (default 0.2; train/ and valid/ folders win)
  --seed <n>           seed of the split, shuffles and initialisation (default 42)
  --aug                fastai's augTransforms() on training batches
  --skip-bad           leave out files that do not decode (and say how many), instead of stopping
  --decoder auto|sharp|js  image decoder: sharp (libvips) when it loads (auto, the default), or
                       force sharp or the pure-JS one (pngjs, jpeg-js)
  --workers <n>        decode worker threads (default: one per core)`;

const HELP: Record<string, string> = {
  train: `usage: wgslnet train <folder> [options]
Fine-tunes a ResNet on the images under <folder> (fastai's fine_tune) and exports it for predict.
  --arch <name>        ${Object.keys(ARCHS).join(' | ')} (default resnet18)
  --epochs <n>         unfrozen epochs after the frozen one (default 1)
  --lr <f>             base learning rate (default 2e-3)
  --pretrained [file]  the body's weights: by default torchvision's ImageNet weights when they can
                       be had (wgslnet's cache, PyTorch's hub cache, or a download), else random;
                       bare --pretrained requires them; a .pth/.safetensors file or URL loads that
  --no-pretrained      random weights, no lookup
  --out <file>         where to export the model (default model.safetensors)
${DATA_HELP}`,
  predict: `usage: wgslnet predict <model.safetensors> <image> [image …]
Prints each image's predicted label and probability, using a model written by train.`,
  'lr-find': `usage: wgslnet lr-find <folder> [options]
Runs fastai's learning-rate finder and prints the suggestions (valley, minimum, steep).
  --arch <name>        ${Object.keys(ARCHS).join(' | ')} (default resnet18)
  --pretrained [file], --no-pretrained   as for train
  --plot <file>        write the loss-vs-learning-rate plot (default lr_find.png)
  --num-it <n>         steps to try (default 100)
${DATA_HELP}`,
  convert: CONVERT_HELP,
  profile: `usage: wgslnet profile [options]
Profiles one training step (forward, backward, Adam) of a ResNet on random images, kernel by
kernel, on the GPU's timestamps (wall-clock replay where the adapter lacks them).
  --arch <name>        ${Object.keys(ARCHS).join(' | ')} (default resnet18)
  --size <px>          image side (default 64)
  --bs <n>             batch size (default 16)
  --forward            profile a forward pass in evaluation mode instead of a training step
  --wall-clock         time by replaying each kernel on the host's clock, even with timestamps`,
};
const USAGE = `usage: wgslnet <command> [options]   (wgslnet <command> --help for details)
commands: train, predict, lr-find, convert, profile, images-from`;

class UsageError extends Error {}

/** What a numeric option must be, and the test for it. */
const NUMBER_RULES = {
  'positive integer': (x: number) => Number.isInteger(x) && x >= 1,
  'non-negative integer': (x: number) => Number.isInteger(x) && x >= 0,
  'positive number': (x: number) => x > 0,
  'fraction in [0, 1)': (x: number) => x >= 0 && x < 1,
};

function num(v: string | undefined, name: string, dflt: number, rule: keyof typeof NUMBER_RULES): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!v.trim() || !Number.isFinite(x) || !NUMBER_RULES[rule](x)) throw new UsageError(`--${name} must be a ${rule}, got '${v}'`);
  return x;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  arch: { type: 'string' },
  label: { type: 'string' },
  size: { type: 'string' },
  epochs: { type: 'string' },
  bs: { type: 'string' },
  lr: { type: 'string' },
  'valid-pct': { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  plot: { type: 'string' },
  'num-it': { type: 'string' },
  aug: { type: 'boolean' },
  'skip-bad': { type: 'boolean' },
  forward: { type: 'boolean' },
  'wall-clock': { type: 'boolean' },
  decoder: { type: 'string' },
  workers: { type: 'string' },
} as const;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    (command ? console.log : console.error)(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'images-from') return imagesFromCommand(rest); // sound, series, bytes → PNGs (imagesFrom.ts)
  if (!HELP[command]) {
    console.error(`wgslnet: unknown command '${command}'\n${USAGE}`);
    return 2;
  }
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];
  let positionals: string[];
  let pretrained: boolean | string | undefined;
  try {
    const taken = takePretrainedArg(rest);
    pretrained = taken.pretrained;
    ({ values, positionals } = parseArgs({ args: taken.rest, options: OPTIONS, allowPositionals: true }));
  } catch (e) {
    console.error(`wgslnet ${command}: ${(e as Error).message}\n${HELP[command]}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP[command]);
    return 0;
  }
  try {
    if (command === 'convert') {
      if (positionals.length !== 2) throw new UsageError(`needs an input .pth and an output .safetensors, got ${positionals.length} arguments`);
      for (const line of await convertPth(positionals[0]!, positionals[1]!)) console.log(line);
      return 0;
    }
    if (command === 'profile') {
      if (positionals.length) throw new UsageError(`takes no positional arguments, got ${positionals.join(' ')}`);
      const arch = values.arch ?? 'resnet18';
      if (!ARCHS[arch]) throw new UsageError(`--arch must be one of ${Object.keys(ARCHS).join(', ')}, got '${arch}'`);
      await profileCommand({
        arch,
        size: num(values.size, 'size', 64, 'positive integer'),
        bs: num(values.bs, 'bs', 16, 'positive integer'),
        mode: values.forward ? 'forward' : 'train',
        timing: values['wall-clock'] ? 'wall' : undefined,
      });
      return 0;
    }
    if (command === 'predict') {
      if (positionals.length < 2) throw new UsageError('needs a model file and at least one image');
      const [modelPath, ...images] = positionals as [string, ...string[]];
      await init();
      const learner = await loadLearner(modelPath);
      const preds = await learner.predictMany(images);
      images.forEach((img, i) => console.log(`${img}\t${preds[i]!.label}\t${preds[i]!.probs[preds[i]!.index]!.toFixed(4)}`));
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`needs exactly one image folder, got ${positionals.length}`);
    const data: DataArgs = {
      folder: positionals[0]!,
      label: values.label ?? 'folder',
      size: num(values.size, 'size', 64, 'positive integer'),
      bs: num(values.bs, 'bs', 64, 'positive integer'),
      validPct: num(values['valid-pct'], 'valid-pct', 0.2, 'fraction in [0, 1)'),
      seed: num(values.seed, 'seed', 42, 'non-negative integer'),
      skipBad: values['skip-bad'] ?? false,
      aug: values.aug ?? false,
      decoder: (values.decoder ?? 'auto') as Decoder,
    };
    if (!DECODERS.includes(data.decoder)) throw new UsageError(`--decoder must be auto, sharp or js, got '${values.decoder}'`);
    if (values.workers !== undefined) {
      const n = num(values.workers, 'workers', 0, 'non-negative integer');
      if (n < 1) throw new UsageError(`--workers must be at least 1, got '${values.workers}'`);
      await setDecodeWorkers(n);
    }
    const arch = values.arch ?? 'resnet18';
    if (!ARCHS[arch]) throw new UsageError(`--arch must be one of ${Object.keys(ARCHS).join(', ')}, got '${arch}'`);
    const [epochs, lr, numIt] = [num(values.epochs, 'epochs', 1, 'non-negative integer'), num(values.lr, 'lr', 2e-3, 'positive number'), num(values['num-it'], 'num-it', 100, 'positive integer')];
    try {
      labeller(data.label); // a bad --label is a bad command line: say so before reading the folder
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const dls = await loadData(data, (s) => console.log(s));
    const engine = await init();
    console.log(`${dls.train.items.length} training and ${dls.valid.items.length} validation images, ${dls.c} classes; GPU: ${engine.description}`);
    manualSeed(data.seed);
    const learn = visionLearner(dls, arch, { metrics: [errorRate], pretrained });
    if (command === 'lr-find') {
      const plot = values.plot ?? 'lr_find.png';
      const r = await learn.lrFind({ plot, numIt });
      console.log(`valley ${r.valley.toExponential(2)}  minimum ${r.minimum.toExponential(2)}  steep ${r.steep.toExponential(2)}  (plot: ${plot})`);
      return 0;
    }
    await learn.fineTune(epochs, lr);
    const out = values.out ?? 'model.safetensors';
    await learn.export(out);
    console.log(`exported to ${out}; try: wgslnet predict ${out} <image>`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`wgslnet ${command}: ${e.message}\n${HELP[command]}`);
      return 2;
    }
    if (e instanceof WgslnetError) {
      console.error(`wgslnet ${command}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
