// Image files, decoding and the CPU item transforms, checked against pixels computed by hand.
// No GPU here: this is the part of the data pipeline that runs in the decode workers.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crop, padReflect, resampleTaps, resize, rgbImage, type RgbImage } from '../src/data/image.js';
import { applyItemTfms, RandomResizedCrop, Resize } from '../src/data/itemTransforms.js';
import { decodeImage, encodePng } from '../src/node/decode.js';
import { DecodePool } from '../src/node/decodePool.js';
import { getImageFiles } from '../src/node/imageFiles.js';

const fixture = (name: string) => new URL(`./fixtures/images/${name}`, import.meta.url).pathname;
const decode = (name: string) => decodeImage(readFileSync(fixture(name)), name);

/** The fixture picture (scripts/fixtures/make_image_fixtures.sh): r = 30x + 10, g = 40y + 5, b = 16xy mod 256. */
function expected(x: number, y: number): [number, number, number] {
  return [30 * x + 10, 40 * y + 5, (x * y * 16) % 256];
}

/** A w×h image whose red channel is given, green = 2·red, blue = 0 (for transform tests). */
function gray(w: number, h: number, red: number[]): RgbImage {
  const img = rgbImage(w, h);
  red.forEach((v, i) => img.data.set([v, 2 * v, 0], i * 3));
  return img;
}
const reds = (img: RgbImage) => Array.from({ length: img.width * img.height }, (_, i) => img.data[i * 3]!);

describe('decoding', () => {
  for (const f of ['rgb.png', 'rgba.png', 'palette.png', 'rgb16.png', 'interlaced.png']) {
    it(`${f} gives the exact pixels`, () => {
      const img = decode(f);
      expect([img.width, img.height]).toEqual([8, 6]);
      for (let y = 0; y < 6; y++) for (let x = 0; x < 8; x++) expect(Array.from(img.data.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3))).toEqual(expected(x, y));
    });
  }
  it('gray and gray+alpha PNGs become equal gray RGB', () => {
    const [g, ga] = [decode('gray.png'), decode('gray-alpha.png')];
    expect(Array.from(ga.data)).toEqual(Array.from(g.data));
    for (let i = 0; i < 48; i++) {
      expect(g.data[i * 3]).toBe(g.data[i * 3 + 1]);
      expect(g.data[i * 3]).toBe(g.data[i * 3 + 2]);
    }
    expect(g.data[47 * 3]).toBeGreaterThan(g.data[0]!); // brighter towards the bottom right, as the source
  });
  for (const f of ['baseline.jpg', 'progressive.jpg', 'cmyk.jpg']) {
    it(`${f} decodes close to the source (lossy)`, () => {
      const img = decode(f);
      expect([img.width, img.height]).toEqual([8, 6]);
      let err = 0;
      for (let y = 0; y < 6; y++) for (let x = 0; x < 8; x++) expected(x, y).forEach((v, c) => (err += Math.abs(v - img.data[(y * 8 + x) * 3 + c]!)));
      expect(err / 144).toBeLessThan(12);
    });
  }
  it('grayscale JPEG becomes gray RGB', () => {
    const img = decode('gray.jpg');
    for (let i = 0; i < 48; i++) expect(img.data[i * 3]).toBe(img.data[i * 3 + 2]);
  });
  it('PNG encode → decode round-trips', () => {
    const img = decode('rgb.png');
    expect(Array.from(decodeImage(encodePng(img), 'x').data)).toEqual(Array.from(img.data));
  });
  it.each([
    ['truncated.png', /truncated\.png: corrupt or truncated PNG/],
    ['truncated.jpg', /truncated\.jpg: corrupt or truncated JPEG/],
    ['not-an-image.png', /not-an-image\.png: not a PNG or JPEG file/],
  ])('%s fails with an error naming the file', (f, msg) => {
    expect(() => decode(f)).toThrow(msg);
  });
});

describe('getImageFiles', () => {
  it('recurses, matches extensions case-insensitively, skips dot files and folders, sorts', () => {
    const d = mkdtempSync(join(tmpdir(), 'wgslnet-files-'));
    for (const p of ['b/x.PNG', 'a.jpg', 'b/c/y.jpeg', '.hidden.png', '.git/z.png', 'notes.txt', 'b/w.JPG']) {
      mkdirSync(join(d, p, '..'), { recursive: true });
      writeFileSync(join(d, p), '');
    }
    expect(getImageFiles(d).map((f) => f.slice(d.length + 1))).toEqual(['a.jpg', 'b/c/y.jpeg', 'b/w.JPG', 'b/x.PNG']);
    expect(() => getImageFiles(join(d, 'missing'))).toThrow(/missing: no such folder/);
  });
});

describe('decode workers', () => {
  it('return images in job order with the item transforms applied, and name a bad file (pure-JS path)', async () => {
    const pool = new DecodePool({ size: 2 });
    const names = ['rgb.png', 'gray.png', 'palette.png', 'baseline.jpg', 'rgba.png'];
    const images = await pool.load(names.map((f, i) => ({ source: fixture(f), tfms: [Resize(4, { method: 'squish' })], seed: i, train: false })), { decoder: 'js' });
    expect(pool.decoded).toEqual({ sharp: 0, js: 5 });
    images.forEach((img, i) => expect(Array.from(img.data)).toEqual(Array.from(resize(decode(names[i]!), 4, 4).data)));
    await expect(pool.load([{ source: fixture('truncated.png'), tfms: [], seed: 0, train: false }])).rejects.toThrow(/truncated\.png/);
    await expect(pool.load([{ source: fixture('gone.png'), tfms: [], seed: 0, train: false }])).rejects.toThrow(/gone\.png: cannot read \(ENOENT\)/);
    await pool.close();
  });
});

describe('pixel operations', () => {
  it('resize to the same size is the identity', () => {
    const img = decode('rgb.png');
    expect(resize(img, 8, 6)).toBe(img);
  });
  it('upscaling 2 → 4 interpolates between pixel centres', () => {
    // centres of outputs 0..3 in input coordinates: 0.25, 0.75, 1.25, 1.75 (pixel centres 0.5, 1.5)
    expect(reds(resize(gray(2, 1, [0, 100]), 4, 1))).toEqual([0, 25, 75, 100]);
  });
  it('shrinking 4 → 2 averages with the widened triangle filter (PIL bilinear)', () => {
    // output 0: centre 1, support 2: weights of inputs 0,1,2 are .75, .75, .25 (normalised by 1.75)
    expect(resampleTaps(4, 2)[0]).toEqual({ start: 0, weights: [0.75 / 1.75, 0.75 / 1.75, 0.25 / 1.75] });
    expect(reds(resize(gray(4, 1, [0, 70, 140, 210]), 2, 1))).toEqual([Math.round((70 * 0.75 + 140 * 0.25) / 1.75), Math.round((70 * 0.25 + 140 * 0.75 + 210 * 0.75) / 1.75)]);
  });
  it('crop and reflection pad', () => {
    const img = gray(4, 2, [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(reds(crop(img, 1, 1, 2, 1))).toEqual([6, 7]);
    expect(() => crop(img, 3, 0, 2, 1)).toThrow(/outside the 4×2 image/);
    expect(reds(padReflect(gray(2, 1, [1, 2]), 4, 1))).toEqual([2, 1, 2, 1]);
    expect(reds(padReflect(gray(1, 2, [1, 2]), 1, 4))).toEqual([2, 1, 2, 1]);
  });
});

describe('item transforms', () => {
  const wide = gray(6, 2, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]); // 6×2
  it('Resize crop: centred in validation, random in training (reproducible by seed)', () => {
    expect(reds(applyItemTfms([Resize(2)], wide, 0, false))).toEqual([20, 30, 80, 90]);
    const positions = new Set<string>();
    for (let s = 0; s < 40; s++) positions.add(reds(applyItemTfms([Resize(2)], wide, s, true)).join(','));
    expect([...positions].sort()).toEqual(['0,10,60,70', '10,20,70,80', '20,30,80,90', '30,40,90,100', '40,50,100,110']);
    expect(reds(applyItemTfms([Resize(2)], wide, 7, true))).toEqual(reds(applyItemTfms([Resize(2)], wide, 7, true)));
  });
  it('Resize squish resizes the whole image; pad reflects to a square first', () => {
    expect(applyItemTfms([Resize([2, 3], { method: 'squish' })], wide, 0, false)).toEqual(resize(wide, 3, 2));
    expect(applyItemTfms([Resize(6, { method: 'pad' })], wide, 0, false)).toEqual(resize(padReflect(wide, 6, 6), 6, 6));
    // Two rows padded to six, centred (2 above): rows −2, −1 mirror to 0, 1 (period 2), and so on.
    const [r0, r1] = [[0, 10, 20, 30, 40, 50], [60, 70, 80, 90, 100, 110]];
    expect(reds(padReflect(wide, 6, 6))).toEqual([...r0, ...r1, ...r0, ...r1, ...r0, ...r1]);
  });
  it('RandomResizedCrop: training crops are the asked size; validation resizes to size + 14% (×8) and centre-crops', () => {
    const img = decode('rgb.png');
    for (let s = 0; s < 10; s++) expect([applyItemTfms([RandomResizedCrop(4)], img, s, true)].map((i) => [i.width, i.height])[0]).toEqual([4, 4]);
    // size 4: xtra = ceil(4 · 0.14 / 8) · 8 = 8 → resize to 12×12, crop the centre 4×4 at (4, 4)
    expect(applyItemTfms([RandomResizedCrop(4)], img, 0, false)).toEqual(crop(resize(img, 12, 12), 4, 4, 4, 4));
  });
  it('bad sizes and methods are named', () => {
    expect(() => Resize(0)).toThrow(/Resize: size must be a positive integer/);
    expect(() => Resize(4, { method: 'zoom' as never })).toThrow(/method must be 'crop', 'pad' or 'squish'/);
  });
});
