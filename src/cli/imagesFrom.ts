// wgslnet images-from sound|series|bytes <input> <output-folder>: the converters from the shell.
// Images are written to a hidden staging folder inside the output folder and moved into place only
// when every input has converted, so a bad input (named in one line on stderr, exit status 1)
// leaves nothing half-written behind; --skip-bad leaves bad inputs out instead.

import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { WgslnetError } from '../gpu/errors.js';
import { SERIES_METHODS, type SeriesMethod } from '../convert/seriesImages.js';
import type { BinStrategy, RecurrenceThreshold } from '../convert/seriesPrep.js';
import { defaultOutput, progressBar } from '../learner/recorder.js';
import { convertInputs, type ConvertKind, type ConvertOptions } from '../node/convertFiles.js';
import { encodePng } from '../node/decode.js';
import { init } from '../node/index.js';

export const IMAGES_FROM_HELP = `usage: wgslnet images-from sound|series|bytes <input> <output-folder> [options]
Draws sound, time series or the bytes of any file as PNG images that wgslnet train (or
ImageDataLoaders.fromFolder) takes as they are. <input> is a file, or a folder with one subfolder
per class; the class folders are kept under <output-folder>.
sound: .wav files (PCM 8/16/24/32-bit or float; channels averaged; resampled) → log-mel
spectrograms, time left to right, low frequencies at the bottom (torchaudio's defaults):
  --sample-rate <hz>   resample to this rate (16000)
  --n-fft <n>          FFT size (400)            --hop <n>       frame hop (n-fft / 2)
  --n-mels <n>         mel bands (128)           --f-min <hz>    lowest filter edge (0)
  --f-max <hz>         highest filter edge (sample-rate / 2)
  --top-db <dB>        brightness spans this much below each image's loudest point (80)
  --duration <s>       pad with silence or cut every sound to this length
  --size <px>          resize each spectrogram to size×size
series: a CSV with one series per row and a label column, or a folder of class folders with
one series per file (.csv .tsv .txt: numbers separated by commas, spaces or new lines):
  --method <m>[,<m>…]  gasf | gadf | mtf | rp (pyts' definitions); two or three of them
                       fill the red, green and blue channels (default gasf)
  --size <px>          image size, at most the series length (default: the length)
  --label-column <c>   the CSV's label column: a header name (default label), or a 0-based
                       number for a table without a header row (the UCR archive's: 0)
  --bins <n>           mtf: bins (8)      --strategy <s>   mtf: quantile | uniform | normal
  --dimension <m>, --delay <τ>   rp: trajectories (1, 1)
  --threshold <t>      rp: 1 where a distance is below t, 0 elsewhere: a distance, or point
                       (each series' --percentage percentile of distances) or distance
                       (--percentage % of its largest); none: the distances themselves
  --percentage <p>     rp: for point and distance (10)
bytes: any file → gray image whose pixel (row, column) is byte row·width + column:
  --width <px>         bytes per row (default: from the file size, Nataraj et al. 2011)
  --size <px>          resize each image to size×size
  --skip-bad           leave out inputs that fail (and say how many) instead of stopping`;

class UsageError extends Error {}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'sample-rate': { type: 'string' },
  'n-fft': { type: 'string' },
  hop: { type: 'string' },
  'n-mels': { type: 'string' },
  'f-min': { type: 'string' },
  'f-max': { type: 'string' },
  'top-db': { type: 'string' },
  duration: { type: 'string' },
  size: { type: 'string' },
  method: { type: 'string' },
  'label-column': { type: 'string' },
  bins: { type: 'string' },
  dimension: { type: 'string' },
  delay: { type: 'string' },
  threshold: { type: 'string' },
  percentage: { type: 'string' },
  strategy: { type: 'string' },
  width: { type: 'string' },
  'skip-bad': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A numeric option, or undefined when absent; a positive integer when `integer`. */
function opt(values: Values, name: keyof Values, integer = false): number | undefined {
  const v = values[name];
  if (v === undefined || typeof v === 'boolean') return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0 || (integer && (!Number.isInteger(x) || x < 1))) throw new UsageError(`--${name} must be a ${integer ? 'positive integer' : 'non-negative number'}, got '${v}'`);
  return x;
}

function convertOptions(kind: ConvertKind, v: Values): ConvertOptions {
  const size = opt(v, 'size', true);
  if (kind === 'sound') {
    return {
      size,
      sound: { sampleRate: opt(v, 'sample-rate', true), nFft: opt(v, 'n-fft', true), hop: opt(v, 'hop', true), nMels: opt(v, 'n-mels', true), fMin: opt(v, 'f-min'), fMax: opt(v, 'f-max'), topDb: opt(v, 'top-db'), duration: opt(v, 'duration') },
    };
  }
  if (kind === 'series') {
    const methods = (v.method ?? 'gasf').split(',') as SeriesMethod[];
    const bad = methods.find((m) => !SERIES_METHODS.includes(m));
    if (bad !== undefined || methods.length > 3) throw new UsageError(`--method takes one to three of ${SERIES_METHODS.join(', ')}, separated by commas; got '${v.method}'`);
    const col = v['label-column'] ?? 'label';
    const threshold: RecurrenceThreshold | undefined = v.threshold === 'point' || v.threshold === 'distance' ? v.threshold : opt(v, 'threshold');
    const strategy = v.strategy ?? 'quantile';
    if (!['quantile', 'uniform', 'normal'].includes(strategy)) throw new UsageError(`--strategy takes quantile, uniform or normal; got '${strategy}'`);
    const rp = { dimension: opt(v, 'dimension', true), delay: opt(v, 'delay', true), threshold: threshold ?? null, percentage: opt(v, 'percentage') };
    return { series: { methods, size, labelColumn: /^\d+$/.test(col) ? Number(col) : col, nBins: opt(v, 'bins', true), strategy: strategy as BinStrategy, ...rp } };
  }
  return { bytes: { width: opt(v, 'width', true), size } };
}

export async function imagesFromCommand(args: string[]): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true }));
  } catch (e) {
    console.error(`wgslnet images-from: ${(e as Error).message}\n${IMAGES_FROM_HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(IMAGES_FROM_HELP);
    return 0;
  }
  let staging: string | null = null;
  try {
    const [kind, input, out] = positionals as [ConvertKind, string, string];
    if (positionals.length !== 3) throw new UsageError(`needs a kind, an input and an output folder, got ${positionals.length} arguments`);
    if (!['sound', 'series', 'bytes'].includes(kind)) throw new UsageError(`the kind must be sound, series or bytes, got '${kind}'`);
    const o = convertOptions(kind, values);
    const bad: string[] = [];
    const started = Date.now();
    const output = defaultOutput();
    if (values['skip-bad']) o.onBad = (source, message) => bad.push(message.startsWith(source) ? message : `${source}: ${message}`);
    o.onProgress = (done, total) => output.status(progressBar(done, total, (Date.now() - started) / 1000));
    o.exclude = out; // an output folder inside the input is not input
    if (kind !== 'bytes') await init();
    mkdirSync(out, { recursive: true });
    staging = mkdtempSync(join(out, '.images-from-'));
    const names = new Map<string, string>();
    for await (const img of convertInputs(kind, input, o)) {
      if (names.has(img.name)) throw new WgslnetError(`${img.source} and ${names.get(img.name)} would both be written as ${img.name}`);
      names.set(img.name, img.source);
      const to = join(staging, img.name);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, encodePng(img.image));
    }
    if (!names.size) throw new WgslnetError(`${input}: every input failed (first: ${bad[0]})`);
    for (const name of names.keys()) {
      mkdirSync(dirname(join(out, name)), { recursive: true });
      renameSync(join(staging, name), join(out, name));
    }
    const classes = new Set([...names.keys()].filter((n) => n.includes('/')).map((n) => n.slice(0, n.indexOf('/'))));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    output.line(`wrote ${names.size} images${classes.size ? ` in ${classes.size} class folders` : ''} to ${out} in ${seconds} s`);
    if (bad.length) output.line(`skipped ${bad.length} bad input${bad.length > 1 ? 's' : ''}; first: ${bad[0]}`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`wgslnet images-from: ${e.message}\n${IMAGES_FROM_HELP}`);
      return 2;
    }
    if (e instanceof WgslnetError) {
      console.error(`wgslnet images-from: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
  }
}
