// im2col — the convolution's input as a matrix (version 2 of conv2d: im2col + matmul):
//   cols[q, k] = x[n, c, oh·sh − ph + kh·dh, ow·sw − pw + kw·dw]   (0 in the padding)
//   q = (n, oh, ow) indexes output pixels, k = (c, kh, kw) weight taps; groups = 1.
// Then y = cols · Wᵀ, dW = dyᵀ · cols, and dX = col2im(dy · W): three plain matmuls.
// Costs KH·KW times the input's memory; conv2d_implicit.wgsl computes cols[q, k] on the fly instead.
// Layout: x NCHW; cols [N·OH·OW, C·KH·KW] contiguous.
// One invocation writes one cols element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = shapes, stride, padding, dilation, groups; x in; cols out.

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padH: u32, padW: u32, dilH: u32, dilW: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> cols: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let K = p.C * p.KH * p.KW;
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.N * p.OH * p.OW * K) { return; }
  let k = i % K;
  let q = i / K;
  let kw = k % p.KW;
  let kh = (k / p.KW) % p.KH;
  let c = k / (p.KW * p.KH);
  let ow = q % p.OW;
  let oh = (q / p.OW) % p.OH;
  let n = q / (p.OW * p.OH);
  let ih = i32(oh * p.strideH + kh * p.dilH) - i32(p.padH);
  let iw = i32(ow * p.strideW + kw * p.dilW) - i32(p.padW);
  var v = 0.0;
  if (ih >= 0 && ih < i32(p.H) && iw >= 0 && iw < i32(p.W)) {
    v = x[((n * p.C + c) * p.H + u32(ih)) * p.W + u32(iw)];
  }
  cols[i] = v;
}
