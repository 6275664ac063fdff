// batchnorm, backward — gradient of the input, from the coefficients bn_backward_reduce.wgsl wrote:
//   dx = A[c] · g + B[c] · x + D[c],   g = dy, masked by y > 0 when the forward was fused with ReLU
// (in training A, B, D fold in the batch statistics' own gradient; in evaluation B = D = 0).
// The coefficients sit in a uniform window (see bn_apply.wgsl for why): per element this reads
// dy and x (and y with RELU = 1) from storage and writes dx.
// Layout: x, y, dy, dx are [N, C, HW]; dcoef is a 64 KiB uniform window of [4096] vec4 (C ≤ 4096).
// One invocation computes one element; PLANES chooses the grid as in bn_apply.wgsl.
// Bindings: p = { n, C, HW }; x, y, dy in; dx out; dcoef (uniform window).

struct Params {
  n: u32,
  C: u32,
  HW: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<uniform> dcoef: array<vec4f, 4096>;

override WG: u32 = 256;
override RELU: u32 = 0;
override PLANES: u32 = 0;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  var i: u32;
  var c: u32;
  if (PLANES == 1u) {
    let s = wid.x * WG + lid;
    if (s >= p.HW) { return; }
    i = wid.y * p.HW + s;
    c = wid.y % p.C;
  } else {
    i = (wid.y * nwg.x + wid.x) * WG + lid;
    if (i >= p.n) { return; }
    c = (i / p.HW) % p.C;
  }
  let k = dcoef[c];
  var g = dy[i];
  if (RELU == 1u && y[i] <= 0.0) { g = 0.0; }
  dx[i] = k.x * g + k.y * x[i] + k.z;
}
