// conv2d, gradient of the weight — version 1: direct (naive, the specification)
//   dw[o, c, kh, kw] = Σ_{n, oh, ow} dy[n, o, oh, ow] · x[n, g·Cg + c, oh·sh − ph + kh·dh, ow·sw − pw + kw·dw]
//   (g = o / Og; padding positions contribute nothing)
// Layout: dy [N, O, OH, OW], x NCHW, dw OIHW (I = Cg); f32, contiguous.
// One invocation computes one dw element, looping over the whole batch and output image.
// Bindings: p = shapes, stride, padding, dilation, groups; dy, x in; dw out.

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padH: u32, padW: u32, dilH: u32, dilW: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let Cg = p.C / p.groups;
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.O * Cg * p.KH * p.KW) { return; }
  let kw = i % p.KW;
  let kh = (i / p.KW) % p.KH;
  let c = (i / (p.KW * p.KH)) % Cg;
  let o = i / (p.KW * p.KH * Cg);
  let cx = (o / (p.O / p.groups)) * Cg + c;  // the input channel this weight reads
  var acc = 0.0;
  for (var n = 0u; n < p.N; n++) {
    for (var oh = 0u; oh < p.OH; oh++) {
      let ih = i32(oh * p.strideH + kh * p.dilH) - i32(p.padH);
      if (ih < 0 || ih >= i32(p.H)) { continue; }
      for (var ow = 0u; ow < p.OW; ow++) {
        let iw = i32(ow * p.strideW + kw * p.dilW) - i32(p.padW);
        if (iw < 0 || iw >= i32(p.W)) { continue; }
        acc += dy[((n * p.O + o) * p.OH + oh) * p.OW + ow] * x[((n * p.C + cx) * p.H + u32(ih)) * p.W + u32(iw)];
      }
    }
  }
  dw[i] = acc;
}
