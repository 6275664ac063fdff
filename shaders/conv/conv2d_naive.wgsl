// conv2d, forward — version 1: direct (naive, the specification)
//   y[n, o, oh, ow] = b[o] + Σ_{c < Cg, kh, kw} x[n, g·Cg + c, oh·sh − ph + kh·dh, ow·sw − pw + kw·dw] · w[o, c, kh, kw]
//   (g = o / Og is the group of output channel o, Cg = C / groups, Og = O / groups;
//    x reads outside the image are zero padding)
// Layout: x NCHW, w OIHW (I = Cg), b [O] (ignored when hasBias = 0), y [N, O, OH, OW]; f32, contiguous.
// One invocation computes one y element with the loops written out; no workgroup memory.
// Every faster version is tested against this one.
// Bindings: p = shapes, stride, padding, dilation, groups; x, w, b in; y out.

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padH: u32, padW: u32, dilH: u32, dilW: u32,
  hasBias: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.N * p.O * p.OH * p.OW) { return; }
  let ow = i % p.OW;
  let oh = (i / p.OW) % p.OH;
  let o = (i / (p.OW * p.OH)) % p.O;
  let n = i / (p.OW * p.OH * p.O);
  let Cg = p.C / p.groups;
  let c0 = (o / (p.O / p.groups)) * Cg;     // first input channel of o's group
  var acc = select(0.0, b[o], p.hasBias == 1u);
  for (var c = 0u; c < Cg; c++) {
    for (var kh = 0u; kh < p.KH; kh++) {
      let ih = i32(oh * p.strideH + kh * p.dilH) - i32(p.padH);
      if (ih < 0 || ih >= i32(p.H)) { continue; }
      for (var kw = 0u; kw < p.KW; kw++) {
        let iw = i32(ow * p.strideW + kw * p.dilW) - i32(p.padW);
        if (iw < 0 || iw >= i32(p.W)) { continue; }
        let xv = x[((n * p.C + c0 + c) * p.H + u32(ih)) * p.W + u32(iw)];
        let wv = w[((o * Cg + c) * p.KH + kh) * p.KW + kw];
        acc += xv * wv;
      }
    }
  }
  y[i] = acc;
}
