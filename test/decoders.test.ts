// The two decode paths, side by side: sharp (libvips) and the pure-JS one (pngjs, jpeg-js, the JS
// item transforms). Where sharp is installed, every image flavour the decode tests cover goes
// through both with every item transform, and the results must agree within the tolerance
// sharpDecode.ts states; the fallback (sharp missing or broken) and the decoder choice are tested
// either way. No GPU here. Each test says which path ran.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { petsLikeJpeg } from '../bench/petsLike.js';
import { ImageDataLoaders } from '../src/data/dataLoaders.js';
import { resize, type RgbImage } from '../src/data/image.js';
import { applyItemTfms, planItemTfm, RandomResizedCrop, Resize, type ItemTfm } from '../src/data/itemTransforms.js';
import { Rng } from '../src/tensor/random.js';
import { decodeImage } from '../src/node/decode.js';
import { DecodePool } from '../src/node/decodePool.js';
import { jpegFrame, loadSharp, sharpDecode, type Sharp } from '../src/node/sharpDecode.js';

const fixture = (name: string) => new URL(`./fixtures/images/${name}`, import.meta.url).pathname;
const BROKEN = new URL('./fixtures/broken-sharp.mjs', import.meta.url).href;
const loaded = await loadSharp();
const sharp: Sharp | null = 'sharp' in loaded ? loaded.sharp : null;
console.log(sharp ? `sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}) loaded: both paths run` : `sharp is not installed (${'error' in loaded ? loaded.error : ''}): only the pure-JS path runs; the sharp comparisons are skipped`);

/**
 * Absolute channel differences: the largest inside the image, the largest on its outermost rows and
 * columns (where libvips repeats the edge pixel under its filter and the JS path renormalises the
 * filter over the pixels it has), and the mean.
 */
function diff(a: RgbImage, b: RgbImage): { max: number; edge: number; mean: number } {
  expect([b.width, b.height]).toEqual([a.width, a.height]);
  let [max, edge, sum] = [0, 0, 0];
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    const [x, y] = [Math.floor(i / 3) % a.width, Math.floor(i / 3 / a.width)];
    if (x === 0 || y === 0 || x === a.width - 1 || y === a.height - 1) edge = Math.max(edge, d);
    else max = Math.max(max, d);
    sum += d;
  }
  return { max, edge, mean: sum / a.data.length };
}

const FLAVOURS = ['rgb.png', 'rgba.png', 'palette.png', 'rgb16.png', 'interlaced.png', 'gray.png', 'gray-alpha.png', 'baseline.jpg', 'progressive.jpg', 'gray.jpg', 'cmyk.jpg'];
const TFMS: [string, ItemTfm[]][] = [
  ['no transform', []],
  ['Resize crop', [Resize(4)]],
  ['Resize pad', [Resize([4, 6], { method: 'pad' })]],
  ['Resize squish', [Resize([3, 5], { method: 'squish' })]],
  ['Resize enlarging', [Resize(12)]],
  ['RandomResizedCrop', [RandomResizedCrop(4)]],
  ['two transforms', [Resize(7, { method: 'squish' }), RandomResizedCrop([3, 4])]],
];

describe.runIf(sharp)('sharp gives the JS path’s pixels (tolerance: each channel within 4 levels inside the image, 12 on its edge rows and columns)', () => {
  for (const f of FLAVOURS) {
    it(`${f}: every item transform, training and validation`, async () => {
      const bytes = readFileSync(fixture(f));
      for (const [name, tfms] of TFMS) {
        for (const train of [true, false]) {
          for (const seed of [1, 2, 3]) {
            const js = applyItemTfms(tfms, decodeImage(bytes, f), seed, train);
            const d = diff(js, await sharpDecode(sharp!, bytes, f, tfms, seed, train));
            const what = `${f}, ${name}, seed ${seed}, ${train ? 'train' : 'valid'}`;
            expect(d.max, what).toBeLessThanOrEqual(f === 'cmyk.jpg' ? 0 : 4); // CMYK goes to the JS decoder: identical
            expect(d.edge, what).toBeLessThanOrEqual(f === 'cmyk.jpg' ? 0 : 12);
          }
        }
      }
    });
  }

  // Photograph-like JPEGs at the sizes training uses: 500×375 and 375×500 (Pets' commonest).
  const photos = [0, 1].map((i) => ({ name: `pets-like ${i}`, bytes: petsLikeJpeg(i) }));
  it('photo-like JPEGs at 224 px (no shrink-on-load): the same window, within 4 levels (12 on the edges), mean under 1', async () => {
    for (const p of photos) {
      for (const tfms of [[Resize(224)], [RandomResizedCrop(224)], [Resize(224, { method: 'squish' })]]) {
        for (const seed of [5, 6]) {
          const d = diff(applyItemTfms(tfms, decodeImage(p.bytes, p.name), seed, true), await sharpDecode(sharp!, p.bytes, p.name, tfms, seed, true));
          expect(d.max, `${p.name} ${tfms[0]!.kind}`).toBeLessThanOrEqual(4);
          expect(d.edge).toBeLessThanOrEqual(12);
          expect(d.mean).toBeLessThan(1);
        }
      }
    }
  });

  it('photo-like JPEGs at 64 px (shrink-on-load): mean under 3 levels, and the window is the JS one, not one a pixel off', async () => {
    for (const p of photos) {
      for (const seed of [7, 8, 9]) {
        const full = decodeImage(p.bytes, p.name);
        const plan = planItemTfm(Resize(64), full.width, full.height, new Rng(seed), true);
        const js = applyItemTfms([Resize(64)], full, seed, true);
        const viaSharp = await sharpDecode(sharp!, p.bytes, p.name, [Resize(64)], seed, true);
        const d = diff(js, viaSharp);
        expect(d.mean, p.name).toBeLessThan(3);
        // The same crop moved by one output pixel (375/64 source pixels) along the wide axis.
        const c = plan.crop!;
        const step = c.width / 64;
        const wide = full.width > full.height;
        for (const sign of [-1, 1]) {
          const moved = { ...c, x: wide ? c.x + sign * step : c.x, y: wide ? c.y : c.y + sign * step };
          if (moved.x < 0 || moved.y < 0 || moved.x + c.width > full.width || moved.y + c.height > full.height) continue;
          expect(d.mean).toBeLessThan(diff(resize(full, 64, 64, moved), viaSharp).mean);
        }
      }
    }
  });

  it('corrupt files are named, as on the JS path', async () => {
    for (const [f, msg] of [
      ['truncated.png', /truncated\.png: corrupt or truncated PNG/],
      ['truncated.jpg', /truncated\.jpg: corrupt or truncated JPEG \(.*premature end of JPEG/],
      ['not-an-image.png', /not-an-image\.png: not a PNG or JPEG file/],
    ] as const) {
      await expect(sharpDecode(sharp!, readFileSync(fixture(f)), fixture(f), [Resize(4)], 0, false)).rejects.toThrow(msg);
    }
  });
});

describe('JPEG frame header (read in JS, so libvips opens each file once)', () => {
  it('is found past an APP1 segment that holds a thumbnail of another size; a walk with no frame header gives null', () => {
    const main = Buffer.from(petsLikeJpeg(0));
    const thumb = readFileSync(fixture('gray.jpg'));
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (thumb.length + 8) >> 8, (thumb.length + 8) & 0xff]), Buffer.from('Exif\0\0'), thumb]);
    const withThumb = Buffer.concat([main.subarray(0, 2), app1, main.subarray(2)]);
    const own = decodeImage(main, 'photo-like.jpg');
    expect(decodeImage(thumb, 'gray.jpg').width).not.toBe(own.width); // the thumbnail's header would give another size
    expect(jpegFrame(withThumb)).toMatchObject({ width: own.width, height: own.height, components: 3 });
    expect(jpegFrame(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 8, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(jpegFrame(Buffer.from([0xff, 0xd8, 0x12, 0x34, 0, 8, 0, 0, 0, 0, 0, 0]))).toBeNull();
  });
  it.runIf(sharp)("agrees with libvips' header on every JPEG fixture and photo-like JPEGs (size; 4 components exactly when CMYK)", async () => {
    const files: [string, Uint8Array][] = ['baseline.jpg', 'progressive.jpg', 'gray.jpg', 'cmyk.jpg'].map((f) => [f, readFileSync(fixture(f))]);
    for (let i = 0; i < 12; i++) files.push([`photo-like ${i}`, petsLikeJpeg(i)]);
    for (const [name, bytes] of files) {
      const meta = await sharp!(bytes).metadata();
      const frame = jpegFrame(bytes);
      expect(frame && [frame.width, frame.height, frame.components === 4], name).toEqual([meta.width, meta.height, meta.space === 'cmyk']);
    }
  });
});

describe('decode workers and the decoder choice', () => {
  const job = (f: string, seed = 0) => ({ source: fixture(f), tfms: [Resize(4)], seed, train: true });

  it('one worker per core by default', () => {
    expect(new DecodePool().size).toBe(Number(process.env.WGSLNET_DECODE_WORKERS) || availableParallelism());
    expect(() => new DecodePool({ size: 0 })).toThrow(/decode workers: need a positive integer/);
  });

  it("'auto' decodes with sharp where it loads, 'js' with the JS path; both name a bad file", async () => {
    const pool = new DecodePool({ size: 2 });
    const auto = await pool.load(FLAVOURS.map((f, i) => job(f, i)));
    expect(pool.decoded).toEqual(sharp ? { sharp: FLAVOURS.length, js: 0 } : { sharp: 0, js: FLAVOURS.length });
    const js = await pool.load(FLAVOURS.map((f, i) => job(f, i)), { decoder: 'js' });
    expect(pool.decoded.js).toBe(sharp ? FLAVOURS.length : 2 * FLAVOURS.length);
    js.forEach((im, i) => expect(im).toEqual(applyItemTfms([Resize(4)], decodeImage(readFileSync(fixture(FLAVOURS[i]!)), 'x'), i, true)));
    auto.forEach((im, i) => expect(diff(im, js[i]!).max).toBeLessThanOrEqual(sharp && FLAVOURS[i] !== 'cmyk.jpg' ? 4 : 0));
    auto.forEach((im, i) => expect(diff(im, js[i]!).edge).toBeLessThanOrEqual(sharp && FLAVOURS[i] !== 'cmyk.jpg' ? 12 : 0));
    console.log(`decode pool: 'auto' ran ${sharp ? 'sharp' : 'the JS path'}, 'js' ran the JS path`);
    for (const decoder of ['auto', 'js'] as const) {
      await expect(pool.load([job('rgb.png'), job('truncated.jpg')], { decoder })).rejects.toThrow(/truncated\.jpg: corrupt or truncated JPEG/);
      await expect(pool.load([job('gone.png')], { decoder })).rejects.toThrow(/gone\.png: cannot read \(ENOENT\)/);
    }
    await pool.close();
  });

  it('writes a batch straight into shared memory, in job order; a wrong size is named', async () => {
    const pool = new DecodePool({ size: 2 });
    const names = ['rgb.png', 'baseline.jpg', 'gray.png', 'palette.png', 'rgb16.png', 'progressive.jpg'];
    const out = new Uint8Array(new SharedArrayBuffer(names.length * 48));
    await pool.loadInto(names.map((f, i) => job(f, i)), { data: out, width: 4, height: 4 });
    const one = await pool.load(names.map((f, i) => job(f, i)));
    one.forEach((im, n) => expect(Array.from(out.subarray(n * 48, (n + 1) * 48))).toEqual(Array.from(im.data)));
    await expect(pool.loadInto([job('rgb.png')], { data: out, width: 5, height: 5 })).rejects.toThrow(/rgb\.png came out 4×4 but the batch is 5×5/);
    await expect(pool.loadInto([job('rgb.png')], { data: new Uint8Array(48), width: 4, height: 4 })).rejects.toThrow(/must be shared memory/);
    await pool.close();
  });

  it("sharp failing to load: 'auto' falls back with one line saying so; 'sharp' stops with why", async () => {
    const notices: string[] = [];
    const pool = new DecodePool({ size: 1, sharpModule: BROKEN, notice: (l) => notices.push(l) });
    await pool.load([job('rgb.png'), job('baseline.jpg')]);
    await pool.load([job('gray.png')]);
    expect(pool.decoded).toEqual({ sharp: 0, js: 3 });
    expect(notices.length).toBe(1);
    expect(notices[0]).toMatch(/^wgslnet: sharp did not load \(Could not load the "sharp" module.*\); decoding with the pure-JS path \(pngjs, jpeg-js\), several times slower$/);
    expect(notices[0]).not.toContain('\n');
    await expect(pool.load([job('rgb.png')], { decoder: 'sharp' })).rejects.toThrow(/decoder 'sharp': sharp did not load \(Could not load the "sharp" module.*\); run npm install sharp, or use decoder 'auto' or 'js'/);
    await pool.close();
  });

  it("the DataLoaders factories take decoder: 'auto' | 'sharp' | 'js' and name a wrong one", () => {
    const files = ['/d/a_1.png', '/d/b_2.png'];
    const dls = ImageDataLoaders.fromNameFunc('/d', files, { labelFunc: (n) => n[0]!, validPct: 0, bs: 1, decoder: 'js' });
    expect(dls.train.opts.decoder).toBe('js');
    expect(dls.withTransforms({ itemTfms: [Resize(8)] }).train.opts.decoder).toBe('js');
    expect(ImageDataLoaders.fromLists('/d', files, ['a', 'b'], { validPct: 0, bs: 1 }).train.opts.decoder).toBe('auto');
    expect(() => ImageDataLoaders.fromLists('/d', files, ['a', 'b'], { bs: 1, decoder: 'libjpeg' as never })).toThrow(/DataLoaders: decoder must be 'auto', 'sharp' or 'js', got "libjpeg"/);
  });

  it("workers start when the sources are loaded through tsx's tsImport (import.meta.url has a query there)", () => {
    const script = `
      import { tsImport } from 'tsx/esm/api';
      const { DecodePool } = await tsImport('./src/node/decodePool.ts', import.meta.url);
      const pool = new DecodePool({ size: 1 });
      const [im] = await pool.load([{ source: ${JSON.stringify(fixture('rgb.png'))}, tfms: [], seed: 0, train: false }], { decoder: 'js' });
      console.log(im.width + 'x' + im.height);
      await pool.close();`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname }).trim()).toBe('8x6');
  }, 60_000);
});
