// Batch transforms: on the GPU, after collation (fastai's batch_tfms). augTransforms() draws, per
// image, fastai's random flip, rotation, zoom, warp and lighting on the CPU (a dozen numbers per
// image), and one kernel, shaders/augment/augment.wgsl, resamples, relights and normalises the
// whole batch in a single pass.

import { WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { tensor } from '../ops/creation.js';
import { grid1d, launch, output } from '../ops/launch.js';
import type { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

const AUGMENT = defineKernel({
  file: 'augment/augment.wgsl',
  params: { N: 'u32', C: 'u32', H: 'u32', W: 'u32', OH: 'u32', OW: 'u32', mean: 'vec4<f32>', stdev: 'vec4<f32>' },
  inputs: ['src', 'tfm'],
  outputs: ['out'],
  overrides: ['WG'],
});

/** fastai's aug_transforms defaults. */
export interface AugOptions {
  doFlip: boolean;
  flipVert: boolean;
  maxRotate: number;
  minZoom: number;
  maxZoom: number;
  maxLighting: number;
  maxWarp: number;
  pAffine: number;
  pLighting: number;
}

export interface Normalize {
  mean: [number, number, number];
  std: [number, number, number];
}

export const imagenetStats: Normalize = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** What runs on each batch: augmentation (training only) and normalisation (both splits). */
export interface BatchTfms {
  aug: AugOptions | null;
  normalize: Normalize | null;
}

/** fastai's aug_transforms(): flip p = 0.5, rotate ±10°, zoom 1–1.1, warp 0.2 (each p = 0.75), lighting 0.2 (p = 0.75). */
export function augTransforms(opts: Partial<AugOptions> = {}): AugOptions {
  return { doFlip: true, flipVert: false, maxRotate: 10, minZoom: 1, maxZoom: 1.1, maxLighting: 0.2, maxWarp: 0.2, pAffine: 0.75, pLighting: 0.75, ...opts };
}

type Mat3 = number[]; // row-major 3×3

const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function mul(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c]! += a[r * 3 + k]! * b[k * 3 + c]!;
  return out;
}

/**
 * The projective map sending the four unit-square corners (±1, ±1) to `to` (solves the 8×8 system
 * of the standard four-point homography, as fastai's find_coeffs does).
 */
export function homography(to: [number, number][]): Mat3 {
  const from: [number, number][] = [[-1, -1], [-1, 1], [1, -1], [1, 1]];
  const A: number[][] = [];
  const rhs: number[] = [];
  from.forEach(([x, y], i) => {
    const [u, v] = to[i]!;
    A.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    rhs.push(u);
    A.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    rhs.push(v);
  });
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < 8; c++) {
    let piv = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    [rhs[c], rhs[piv]] = [rhs[piv]!, rhs[c]!];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k < 8; k++) A[r]![k]! -= f * A[c]![k]!;
      rhs[r]! -= f * rhs[c]!;
    }
  }
  const h = rhs.map((v, i) => v / A[i]![i]!);
  return [...h, 1];
}

/** The 12 numbers augment.wgsl reads for one image: M (9), lit, brightness logit, contrast. */
export type ImageTfm = number[];

export const IDENTITY_TFM: ImageTfm = [...IDENTITY, 0, 0, 1];

/** Draws one training image's transform, in fastai's order: flip, rotate, zoom (affine), warp, lighting. */
export function drawImageTfm(o: AugOptions, rng: Rng): ImageTfm {
  const u = (a: number, b: number) => a + (b - a) * rng.next();
  let m = IDENTITY;
  if (o.doFlip && rng.next() < 0.5) m = mul(m, o.flipVert ? [1, 0, 0, 0, -1, 0, 0, 0, 1] : [-1, 0, 0, 0, 1, 0, 0, 0, 1]);
  if (o.maxRotate > 0 && rng.next() < o.pAffine) {
    const t = (u(-o.maxRotate, o.maxRotate) * Math.PI) / 180;
    m = mul(m, [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1]);
  }
  if (o.maxZoom > o.minZoom && rng.next() < o.pAffine) {
    // s < 1 samples a smaller window: the picture is magnified; the window's centre is random.
    const s = 1 / u(o.minZoom, o.maxZoom);
    const cx = (1 - s) * (2 * rng.next() - 1);
    const cy = (1 - s) * (2 * rng.next() - 1);
    m = mul(m, [s, 0, cx, 0, s, cy, 0, 0, 1]);
  }
  if (o.maxWarp > 0 && rng.next() < o.pAffine) {
    const mx = u(-o.maxWarp, o.maxWarp);
    const my = u(-o.maxWarp, o.maxWarp);
    // fastai's _WarpCoord: the corners move by the two magnitudes, a perspective tilt.
    const warp = homography([[-1 - my, -1 - mx], [-1 + my, 1 + mx], [1 + my, -1 + mx], [1 - my, 1 - mx]]);
    m = mul(warp, m); // warp the affine-mapped coordinates, as fastai applies coord_tfms after the affine grid
  }
  let brightness = 0;
  let contrast = 1;
  if (o.maxLighting > 0 && rng.next() < o.pLighting) {
    const change = u(0.5 * (1 - o.maxLighting), 0.5 * (1 + o.maxLighting));
    brightness = Math.log(change / (1 - change));
  }
  if (o.maxLighting > 0 && rng.next() < o.pLighting) contrast = Math.exp(u(Math.log(1 - o.maxLighting), -Math.log(1 - o.maxLighting)));
  const lit = brightness !== 0 || contrast !== 1 ? 1 : 0;
  return [...m, lit, brightness, contrast];
}

/**
 * Runs augment.wgsl: src is [N, C, H, W] with raw 0–255 values; one transform per image
 * (IDENTITY_TFM leaves pixels as they are). Returns the normalised [N, C, H, W] batch.
 */
export function augmentBatch(src: Tensor, tfms: ImageTfm[], normalize: Normalize | null): Tensor {
  const [N, C, H, W] = src.shape as [number, number, number, number];
  if (src.rank !== 4 || tfms.length !== N) throw new WgslnetError(`augment: expected [N, C, H, W] pixels and N transforms, got ${src.shape} and ${tfms.length}`);
  if (C > 4) throw new WgslnetError(`augment: at most 4 channels, got ${C}`);
  const t = tensor(Float32Array.from(tfms.flat()), [N, 12]);
  const out = output([N, C, H, W], 'augment');
  const mean = [...(normalize?.mean ?? [0, 0, 0]), 0];
  const stdev = [...(normalize?.std ?? [1, 1, 1]), 1];
  launch('augment', AUGMENT, { params: { N, C, H, W, OH: H, OW: W, mean, stdev }, inputs: [src, t], outputs: [out], workgroups: grid1d(N * H * W) });
  t.dispose();
  return out;
}
