// batchnorm, running statistics update (in place), as torch.nn.BatchNorm2d in training:
//   runningMean[c] = (1 − momentum) · runningMean[c] + momentum · mean[c]
//   runningVar[c]  = (1 − momentum) · runningVar[c]  + momentum · var[c] · M / (M − 1)
// (normalisation uses the biased variance; the running estimate stores the unbiased one).
// Layout: all [C]. One invocation per channel.
// Bindings: p = { C, momentum, unbias = M / (M − 1) }; mean, var in; runningMean, runningVar in/out.

struct Params {
  C: u32,
  momentum: f32,
  unbias: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> var_: array<f32>;
@group(0) @binding(3) var<storage, read_write> runningMean: array<f32>;
@group(0) @binding(4) var<storage, read_write> runningVar: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.C) { return; }
  runningMean[c] = (1.0 - p.momentum) * runningMean[c] + p.momentum * mean[c];
  runningVar[c] = (1.0 - p.momentum) * runningVar[c] + p.momentum * var_[c] * p.unbias;
}
