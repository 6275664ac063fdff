// wgslnet images-from as a user runs it (child processes running the sources, test/helpers/cli.ts): the class
// folders survive the round trip for sound, series (a CSV table and a folder of series files) and
// bytes, the PNGs decode at the expected sizes, and the result loads with ImageDataLoaders.fromFolder.
// Every bad input gets one line naming the file, exit status 1, and the output folder unchanged.
// Also the library path: imagesFrom → ImageDataLoaders.fromImages, with no PNG written.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeImage, encodeWav, ImageDataLoaders, imagesFrom } from '../src/node/index.js';
import { recurrenceRef } from '../src/reference/series.js';
import { tone } from './helpers/audio.js';
import { WGSLNET } from './helpers/cli.js';
import { setupGpu } from './helpers/gpu.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The command from the sources (test/helpers/cli.ts); Dawn's start-up warnings and the notice that sharp did not load are not ours. */
function wgslnet(...args: string[]) {
  const r = spawnSync(process.execPath, [...WGSLNET, ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  const stderr = r.stderr.split('\n').filter((l) => l && !l.startsWith('Warning: maxDynamic') && !l.startsWith('wgslnet: sharp did not load')).join('\n');
  return { status: r.status, stdout: r.stdout, stderr };
}

/** Every file under dir, relative, sorted (hidden ones too: a leftover staging folder must show). */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wgslnet-images-from-'));
}

/** high/ and low/ class folders of tones in several WAV encodings and rates. */
function soundFolder(): string {
  const dir = tempDir();
  for (const [cls, hz] of [['high', 3000], ['low', 300]] as const) {
    mkdirSync(join(dir, cls));
    writeFileSync(join(dir, cls, 'a.wav'), encodeWav([tone(hz, 0.3, 22050), tone(hz, 0.3, 22050)], 22050));
    writeFileSync(join(dir, cls, 'b.wav'), encodeWav([tone(hz * 1.1, 0.7, 44100)], 44100, { format: 'float' }));
    writeFileSync(join(dir, cls, 'c.wav'), encodeWav([tone(hz * 0.9, 0.5, 8000)], 8000, { bits: 8 }));
  }
  return dir;
}

describe('wgslnet images-from: round trips keep the class folders', () => {
  it('prints its help', () => {
    const r = wgslnet('images-from', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: wgslnet images-from sound\|series\|bytes <input> <output-folder>/);
    expect(r.stdout).toMatch(/--n-mels <n> +mel bands \(128\)/);
  });

  it('sound: spectrograms nMels high and one column per frame, loadable by fromFolder', async () => {
    const out = join(tempDir(), 'spectrograms');
    const r = wgslnet('images-from', 'sound', soundFolder(), out, '--duration', '0.5', '--n-mels', '32');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrote 6 images in 2 class folders to .*spectrograms in [\d.]+ s$/m);
    expect(tree(out)).toEqual(['high/a.png', 'high/b.png', 'high/c.png', 'low/a.png', 'low/b.png', 'low/c.png']);
    const img = decodeImage(readFileSync(join(out, 'high/b.png')), 'b.png');
    expect([img.width, img.height]).toEqual([1 + Math.floor(8000 / 200), 32]); // 0.5 s at 16 kHz, hop 200
    // The low tone is bright near the bottom rows, the high one higher up.
    const brightestRow = (file: string) => {
      const im = decodeImage(readFileSync(join(out, file)), file);
      const rows = Array.from({ length: im.height }, (_, y) => im.data[3 * (y * im.width + 20)]!);
      return rows.indexOf(Math.max(...rows));
    };
    expect(brightestRow('low/a.png')).toBeGreaterThan(brightestRow('high/a.png') + 5);
    await setupGpu();
    const dls = await ImageDataLoaders.fromFolder(out, { validPct: 0.34, bs: 2, seed: 1 });
    expect(dls.vocab).toEqual(['high', 'low']);
    for await (const b of dls.train) {
      expect([...b.x.shape]).toEqual([2, 3, 32, 41]);
      b.x.dispose();
      break;
    }
  });

  it('series: a CSV table goes to label folders; a folder of series files keeps its class folders', () => {
    const dir = tempDir();
    const rows = ['label,' + Array.from({ length: 24 }, (_, i) => `t${i}`).join(',')];
    for (let k = 0; k < 4; k++) rows.push(`${k % 2 ? 'rise' : 'fall'},` + Array.from({ length: 24 }, (_, i) => (k % 2 ? i : -i) + Math.sin(k + i)).join(','));
    writeFileSync(join(dir, 'charts.csv'), rows.join('\n') + '\n');
    const out1 = join(dir, 'out1');
    const r1 = wgslnet('images-from', 'series', join(dir, 'charts.csv'), out1, '--method', 'gasf,gadf,mtf', '--size', '16');
    expect(r1.stderr).toBe('');
    expect(tree(out1)).toEqual(['fall/charts_2.png', 'fall/charts_4.png', 'rise/charts_3.png', 'rise/charts_5.png']);
    const img = decodeImage(readFileSync(join(out1, 'rise/charts_3.png')), 'x');
    expect([img.width, img.height]).toEqual([16, 16]);
    expect(img.data[0]).not.toBe(img.data[1]); // three methods: the channels differ
    const folder = join(dir, 'files');
    for (const c of ['up', 'down']) {
      mkdirSync(join(folder, c), { recursive: true });
      for (let k = 0; k < 2; k++) writeFileSync(join(folder, c, `s${k}.txt`), Array.from({ length: 30 }, (_, i) => (c === 'up' ? i : -i) * (k + 1)).join('\n'));
    }
    const out2 = join(dir, 'out2');
    const r2 = wgslnet('images-from', 'series', folder, out2, '--method', 'rp');
    expect(r2.stderr).toBe('');
    expect(tree(out2)).toEqual(['down/s0.png', 'down/s1.png', 'up/s0.png', 'up/s1.png']);
    expect(decodeImage(readFileSync(join(out2, 'up/s1.png')), 'x').width).toBe(30);
    // pyts' per-series thresholds: black and white, as the reference binarises the same series.
    const out3 = join(dir, 'out3');
    const r3 = wgslnet('images-from', 'series', folder, out3, '--method', 'rp', '--threshold', 'point', '--percentage', '25');
    expect(r3.stderr).toBe('');
    const rp = decodeImage(readFileSync(join(out3, 'down/s1.png')), 'x');
    const want = recurrenceRef(Array.from({ length: 30 }, (_, i) => -i * 2), 30, 1, 1, 'point', 25);
    expect(Array.from({ length: 900 }, (_, p) => rp.data[3 * p])).toEqual(Array.from(want, (v) => v * 255));
    expect(want.some((v) => v === 1) && want.some((v) => v === 0)).toBe(true);
    expect(wgslnet('images-from', 'series', folder, join(dir, 'out4'), '--method', 'mtf', '--strategy', 'median').stderr).toMatch(/--strategy takes quantile, uniform or normal; got 'median'/);
  });

  it('bytes: every file of the class folders, resized', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'text'));
    mkdirSync(join(dir, 'zeros'));
    writeFileSync(join(dir, 'text', 'readme.md'), 'hello world\n'.repeat(300));
    writeFileSync(join(dir, 'zeros', 'blank.bin'), new Uint8Array(5000));
    const out = join(dir, 'out');
    const r = wgslnet('images-from', 'bytes', dir, out, '--size', '16');
    expect(r.stderr).toBe('');
    expect(tree(out)).toEqual(['text/readme.md.png', 'zeros/blank.bin.png']);
    const blank = decodeImage(readFileSync(join(out, 'zeros/blank.bin.png')), 'x');
    expect([blank.width, blank.height, Math.max(...blank.data)]).toEqual([16, 16, 0]);
  });
});

describe('wgslnet images-from: bad input gets one line naming it, and leaves the output folder as it was', () => {
  const good = encodeWav([tone(440, 0.3, 16000)], 16000);
  const mulaw = good.slice();
  new DataView(mulaw.buffer).setUint16(20, 7, true);
  const cases: [string, 'sound' | 'series' | 'bytes', string, Uint8Array | string, RegExp][] = [
    ['a corrupt WAV', 'sound', 'bad.wav', new TextEncoder().encode('RIFF\x10\x00\x00\x00WAVEjunkjunkjunk'), /bad\.wav: corrupt or truncated: no 'fmt ' chunk$/],
    ['a truncated WAV', 'sound', 'cut.wav', good.subarray(0, 3000), /cut\.wav: truncated: the data chunk declares 9600 bytes but only 2956 follow$/],
    ['an unsupported encoding', 'sound', 'phone.wav', mulaw, /phone\.wav: unsupported WAV encoding µ-law; only PCM/],
    ['an empty sound file', 'sound', 'empty.wav', new Uint8Array(0), /empty\.wav: empty file, not a WAV file$/],
    ['an empty file to draw', 'bytes', 'empty.bin', new Uint8Array(0), /empty\.bin: empty file, no bytes to draw$/],
    ['NaN in a series', 'series', 'nan.txt', '1\n2\nNaN\n4\n', /nan\.txt: value 3 is NaN$/],
  ];
  it.each(cases)('%s', (_, kind, name, bytes, message) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in', 'a'), { recursive: true });
    mkdirSync(join(dir, 'in', 'b'), { recursive: true });
    writeFileSync(join(dir, 'in', 'a', kind === 'series' ? 'ok.txt' : 'ok.wav'), kind === 'series' ? '1 2 3 4 5' : good);
    writeFileSync(join(dir, 'in', 'b', name), bytes);
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'from before');
    const r = wgslnet('images-from', kind, join(dir, 'in'), out);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^wgslnet images-from: ${join(dir, 'in', 'b').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`));
    expect(r.stderr).toMatch(message);
    expect(tree(out)).toEqual(['keep.txt']);
  });

  it('--skip-bad leaves the bad input out and says so', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in', 'a'), { recursive: true });
    writeFileSync(join(dir, 'in', 'a', 'ok.wav'), good);
    writeFileSync(join(dir, 'in', 'a', 'phone.wav'), mulaw);
    const r = wgslnet('images-from', 'sound', join(dir, 'in'), join(dir, 'out'), '--skip-bad');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^skipped 1 bad input; first: .*phone\.wav: unsupported WAV encoding µ-law/m);
    expect(tree(join(dir, 'out'))).toEqual(['a/ok.png']);
  });

  it('a bad command line gets the usage and status 2', () => {
    const r = wgslnet('images-from', 'video', 'x', 'y');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^wgslnet images-from: the kind must be sound, series or bytes, got 'video'/);
  });
});

describe('the library: images in memory, straight into DataLoaders', () => {
  it('a size the series cannot give is named by file (folders) or by table (CSV)', async () => {
    await setupGpu();
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'long.txt'), Array.from({ length: 50 }, (_, i) => i).join(' '));
    writeFileSync(join(dir, 'a', 'short.txt'), '1 2 3 4 5 6 7 8 9 10');
    await expect(imagesFrom('series', dir, { series: { size: 20 } })).rejects.toThrow(/short\.txt: image size 20 must be an integer from 1 to 10 \(the series length\), as in pyts$/);
    writeFileSync(join(dir, 't.csv'), 'label,a,b,c\nx,1,2,3\n');
    await expect(imagesFrom('series', join(dir, 't.csv'), { series: { methods: ['rp'], dimension: 2, size: 3 } })).rejects.toThrow(/t\.csv: image size 3 must be an integer from 1 to 2 \(the number of trajectories\)/);
  });

  it('imagesFrom → ImageDataLoaders.fromImages writes no file', async () => {
    await setupGpu();
    const dir = soundFolder();
    const before = tree(dir);
    const progress: [number, number][] = [];
    const items = await imagesFrom('sound', dir, { sound: { nMels: 24, duration: 0.25 }, chunk: 4, onProgress: (done, total) => progress.push([done, total]) });
    expect(progress).toEqual([[4, 6], [6, 6]]); // what the CLI's progress bar shows
    expect(items.map((i) => [i.name, i.label])).toEqual([
      ['high/a.png', 'high'], ['high/b.png', 'high'], ['high/c.png', 'high'], ['low/a.png', 'low'], ['low/b.png', 'low'], ['low/c.png', 'low'],
    ]);
    const dls = ImageDataLoaders.fromImages(items.map((i) => ({ name: i.name, image: i.image, label: i.label! })), { validPct: 0.34, bs: 2, seed: 3 });
    expect(dls.vocab).toEqual(['high', 'low']);
    let batches = 0;
    for await (const b of dls.valid) {
      expect(b.x.shape.slice(1)).toEqual([3, 24, 21]);
      const x = await b.x.toArray();
      const want = items.find((i) => i.name === b.items[0])!.image;
      expect(x[5]).toBeCloseTo(want.data[15]! / 255, 6); // pixel 5, red channel, scaled to [0, 1]
      b.x.dispose();
      batches++;
    }
    expect(batches).toBe(1);
    expect(tree(dir)).toEqual(before);
    expect(() => ImageDataLoaders.fromImages([{ name: 'x', image: items[0]!.image, label: 'a' }, { name: 'x', image: items[1]!.image, label: 'b' }])).toThrow(/the name x is given to more than one image/);
  });
});
