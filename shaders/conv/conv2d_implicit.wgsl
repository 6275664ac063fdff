// conv2d, forward — version 3: implicit GEMM, register-blocked (the fast path; groups = 1, O % 4 = 0)
//   y[n, o, oh, ow] = b[o] + Σ_k X̂[(n, oh, ow), k] · Wt[k, o],   k = (c, kh, kw)
//   where X̂ is the im2col matrix (never built: read straight from x) and Wt[k, o] = w[o, k].
// Layout: x NCHW; wt is w transposed to [C·KH·KW, O] (done once per call), read as vec4 along o;
// b [O] (ignored when hasBias = 0); y NCHW.
// What changed from version 1, and why it is faster on a CPU driver (see matmul_rowblock.wgsl for
// the measurements behind this design):
//  - a workgroup is 8 invocations computing 8 adjacent output pixels (ow0 … ow0+7 of one output
//    row) × 32 output channels; each invocation owns 4 channels as one vec4 accumulator per pixel;
//  - the x reads depend only on the workgroup and the loop counters, so they are uniform (one
//    scalar load + broadcast); padding is a uniform select, not a branch per lane;
//  - the weight read is one vec4 per k per invocation and feeds 8 pixels (32 multiply-adds).
// Grid: (ceil(O/32), OH · ceil(OW/8), N).
// Bindings: p = shapes, stride, padding, dilation, groups, hasBias; x, wt, b in; y out.

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padH: u32, padW: u32, dilH: u32, dilW: u32,
  hasBias: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

// x at (row, column) of channel plane `plane`, or 0 outside the image (all arguments uniform).
fn xAt(plane: u32, ih: i32, iw: i32) -> f32 {
  let inside = ih >= 0 && ih < i32(p.H) && iw >= 0 && iw < i32(p.W);
  let v = x[plane + u32(clamp(ih, 0, i32(p.H) - 1)) * p.W + u32(clamp(iw, 0, i32(p.W) - 1))];
  return select(0.0, v, inside);
}

@compute @workgroup_size(8, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let o4 = p.O / 4u;
  let ov = wid.x * 8u + lid.x;               // this invocation's vec4 of output channels
  let ovLoad = min(ov, o4 - 1u);
  let owBlocks = (p.OW + 7u) / 8u;
  let oh = wid.y / owBlocks;
  let ow0 = (wid.y % owBlocks) * 8u;
  let n = wid.z;
  let ihBase = i32(oh * p.strideH) - i32(p.padH);
  let iwBase = i32(ow0 * p.strideW) - i32(p.padW);
  let sw = i32(p.strideW);

  var a0 = vec4<f32>(0.0); var a1 = vec4<f32>(0.0); var a2 = vec4<f32>(0.0); var a3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0); var a5 = vec4<f32>(0.0); var a6 = vec4<f32>(0.0); var a7 = vec4<f32>(0.0);
  for (var c = 0u; c < p.C; c++) {
    let plane = (n * p.C + c) * p.H * p.W;
    for (var kh = 0u; kh < p.KH; kh++) {
      let ih = ihBase + i32(kh * p.dilH);
      for (var kw = 0u; kw < p.KW; kw++) {
        let wv = wt[((c * p.KH + kh) * p.KW + kw) * o4 + ovLoad];
        let iw = iwBase + i32(kw * p.dilW);
        a0 = fma(vec4<f32>(xAt(plane, ih, iw)), wv, a0);
        a1 = fma(vec4<f32>(xAt(plane, ih, iw + sw)), wv, a1);
        a2 = fma(vec4<f32>(xAt(plane, ih, iw + 2 * sw)), wv, a2);
        a3 = fma(vec4<f32>(xAt(plane, ih, iw + 3 * sw)), wv, a3);
        a4 = fma(vec4<f32>(xAt(plane, ih, iw + 4 * sw)), wv, a4);
        a5 = fma(vec4<f32>(xAt(plane, ih, iw + 5 * sw)), wv, a5);
        a6 = fma(vec4<f32>(xAt(plane, ih, iw + 6 * sw)), wv, a6);
        a7 = fma(vec4<f32>(xAt(plane, ih, iw + 7 * sw)), wv, a7);
      }
    }
  }

  if (ov >= o4) { return; }
  var bias = vec4<f32>(0.0);
  if (p.hasBias == 1u) { bias = vec4<f32>(b[4u * ov], b[4u * ov + 1u], b[4u * ov + 2u], b[4u * ov + 3u]); }
  let acc = array<vec4<f32>, 8>(a0, a1, a2, a3, a4, a5, a6, a7);
  let plane = p.OH * p.OW;
  for (var r = 0u; r < 8u; r++) {
    let ow = ow0 + r;
    if (ow >= p.OW) { break; }
    let v = acc[r] + bias;
    let base = (n * p.O + 4u * ov) * plane + oh * p.OW + ow;
    y[base] = v.x;
    y[base + plane] = v.y;
    y[base + 2u * plane] = v.z;
    y[base + 3u * plane] = v.w;
  }
}
