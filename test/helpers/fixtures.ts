// Reading the committed PyTorch fixtures: a tensor as { shape, data }, and the relative error the
// fixture tests use (largest difference over the largest magnitude of the reference; NaN → ∞).

export interface Enc {
  shape: number[];
  data: number[];
}

export function relErr(got: Float32Array, want: Enc): number {
  const scale = Math.max(1e-6, ...want.data.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want.data[i]!));
  return got.some(Number.isNaN) ? Infinity : worst / scale;
}
