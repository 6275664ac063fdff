// conv2d, gradient of the input — version 1: direct (naive, the specification)
//   dx[n, c, ih, iw] = Σ_{o in c's group, kh, kw} dy[n, o, oh, ow] · w[o, c − g·Cg, kh, kw]
//   over the (kh, kw) for which oh = (ih + ph − kh·dh) / sh and ow = (iw + pw − kw·dw) / sw are
//   whole numbers inside the output: every output position that read x[n, c, ih, iw].
// Layout: dy [N, O, OH, OW], w OIHW (I = Cg), dx NCHW; f32, contiguous.
// One invocation computes one dx element; no workgroup memory.
// Bindings: p = shapes, stride, padding, dilation, groups; dy, w in; dx out.

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padH: u32, padW: u32, dilH: u32, dilW: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.N * p.C * p.H * p.W) { return; }
  let iw = i % p.W;
  let ih = (i / p.W) % p.H;
  let c = (i / (p.W * p.H)) % p.C;
  let n = i / (p.W * p.H * p.C);
  let Cg = p.C / p.groups;
  let Og = p.O / p.groups;
  let g = c / Cg;
  var acc = 0.0;
  for (var o = g * Og; o < (g + 1u) * Og; o++) {
    for (var kh = 0u; kh < p.KH; kh++) {
      let th = i32(ih + p.padH) - i32(kh * p.dilH);       // = oh · sh when x[ih] was read at row kh
      if (th < 0 || th % i32(p.strideH) != 0) { continue; }
      let oh = u32(th) / p.strideH;
      if (oh >= p.OH) { continue; }
      for (var kw = 0u; kw < p.KW; kw++) {
        let tw = i32(iw + p.padW) - i32(kw * p.dilW);
        if (tw < 0 || tw % i32(p.strideW) != 0) { continue; }
        let ow = u32(tw) / p.strideW;
        if (ow >= p.OW) { continue; }
        acc += dy[((n * p.O + o) * p.OH + oh) * p.OW + ow] * w[((o * Cg + c - g * Cg) * p.KH + kh) * p.KW + kw];
      }
    }
  }
  dx[i] = acc;
}
