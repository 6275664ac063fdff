// col2im — sums a column matrix back into image layout: the adjoint of im2col.wgsl.
//   dx[n, c, ih, iw] = Σ over the (kh, kw, oh, ow) whose tap reads (ih, iw) of dcols[(n, oh, ow), (c, kh, kw)]
// Used for conv2d's input gradient in the im2col version: dx = col2im(dy · W). A gather (one
// invocation per dx element looping over the taps that reach it), so no atomics are needed.
// Layout: dcols [N·OH·OW, C·KH·KW]; dx NCHW; contiguous f32.
// One invocation computes one dx element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = shapes, stride, padding, dilation, groups; dcols in; dx out.

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padH: u32, padW: u32, dilH: u32, dilW: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dcols: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.N * p.C * p.H * p.W) { return; }
  let iw = i % p.W;
  let ih = (i / p.W) % p.H;
  let c = (i / (p.W * p.H)) % p.C;
  let n = i / (p.W * p.H * p.C);
  let K = p.C * p.KH * p.KW;
  var acc = 0.0;
  for (var kh = 0u; kh < p.KH; kh++) {
    let th = i32(ih + p.padH) - i32(kh * p.dilH);
    if (th < 0 || th % i32(p.strideH) != 0) { continue; }
    let oh = u32(th) / p.strideH;
    if (oh >= p.OH) { continue; }
    for (var kw = 0u; kw < p.KW; kw++) {
      let tw = i32(iw + p.padW) - i32(kw * p.dilW);
      if (tw < 0 || tw % i32(p.strideW) != 0) { continue; }
      let ow = u32(tw) / p.strideW;
      if (ow >= p.OW) { continue; }
      acc += dcols[((n * p.OH + oh) * p.OW + ow) * K + (c * p.KH + kh) * p.KW + kw];
    }
  }
  dx[i] = acc;
}
