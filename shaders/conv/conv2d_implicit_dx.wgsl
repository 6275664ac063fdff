// conv2d, gradient of the input — version 3: implicit GEMM, register-blocked (groups = 1, C % 4 = 0)
//   dx[n, c, ih, iw] = Σ_{o, kh, kw} dy[n, o, oh, ow] · w[o, c, kh, kw]
//   over the (kh, kw) for which oh = (ih + ph − kh·dh) / sh and ow = (iw + pw − kw·dw) / sw are
//   whole numbers inside the output (as conv2d_naive_dx.wgsl, which it is tested against).
// Layout: dy NCHW [N, O, OH, OW]; wp is w permuted to [O, KH, KW, C] (once per call), read as vec4
// along c; dx NCHW.
// Same design as conv2d_implicit.wgsl: 8 invocations compute 8 adjacent input columns
// (iw0 … iw0+7 of row ih) × 32 input channels; the dy reads are uniform across the workgroup,
// the weight read is one vec4 per (o, kh, kw) and feeds 8 columns.
// UNIT_STRIDE = 1 (stride 1, the common case) compiles the whole-number checks away: integer
// division is slow on a CPU driver, and here it sits on every load.
// Grid: (ceil(C/32), H · ceil(W/8), N).
// Bindings: p = shapes, stride, padding, dilation, groups; dy, wp in; dx out.

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padH: u32, padW: u32, dilH: u32, dilW: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> wp: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override UNIT_STRIDE: u32 = 0;

// dy at output row oh (already known valid) for the input column reached through t = iw + pw − kw·dw,
// or 0 when t is not a whole output column (all arguments uniform).
fn dyAt(rowBase: u32, t: i32) -> f32 {
  var ow = t;
  var ok = t >= 0 && t < i32(p.OW);
  if (UNIT_STRIDE == 0u) {
    let sw = i32(p.strideW);
    ow = t / sw;
    ok = t >= 0 && t % sw == 0 && ow < i32(p.OW);
  }
  return select(0.0, dy[rowBase + u32(clamp(ow, 0, i32(p.OW) - 1))], ok);
}

@compute @workgroup_size(8, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c4 = p.C / 4u;
  let cv = wid.x * 8u + lid.x;                 // this invocation's vec4 of input channels
  let cvLoad = min(cv, c4 - 1u);
  let wBlocks = (p.W + 7u) / 8u;
  let ih = wid.y / wBlocks;
  let iw0 = (wid.y % wBlocks) * 8u;
  let n = wid.z;

  var a0 = vec4<f32>(0.0); var a1 = vec4<f32>(0.0); var a2 = vec4<f32>(0.0); var a3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0); var a5 = vec4<f32>(0.0); var a6 = vec4<f32>(0.0); var a7 = vec4<f32>(0.0);
  for (var o = 0u; o < p.O; o++) {
    for (var kh = 0u; kh < p.KH; kh++) {
      let th = i32(ih + p.padH) - i32(kh * p.dilH);
      var oh = th;
      if (UNIT_STRIDE == 0u) {
        if (th % i32(p.strideH) != 0) { continue; }
        oh = th / i32(p.strideH);
      }
      if (th < 0 || oh >= i32(p.OH)) { continue; }
      let rowBase = ((n * p.O + o) * p.OH + u32(oh)) * p.OW;
      for (var kw = 0u; kw < p.KW; kw++) {
        let wv = wp[((o * p.KH + kh) * p.KW + kw) * c4 + cvLoad];
        let t = i32(iw0 + p.padW) - i32(kw * p.dilW);
        a0 = fma(vec4<f32>(dyAt(rowBase, t)), wv, a0);
        a1 = fma(vec4<f32>(dyAt(rowBase, t + 1)), wv, a1);
        a2 = fma(vec4<f32>(dyAt(rowBase, t + 2)), wv, a2);
        a3 = fma(vec4<f32>(dyAt(rowBase, t + 3)), wv, a3);
        a4 = fma(vec4<f32>(dyAt(rowBase, t + 4)), wv, a4);
        a5 = fma(vec4<f32>(dyAt(rowBase, t + 5)), wv, a5);
        a6 = fma(vec4<f32>(dyAt(rowBase, t + 6)), wv, a6);
        a7 = fma(vec4<f32>(dyAt(rowBase, t + 7)), wv, a7);
      }
    }
  }

  if (cv >= c4) { return; }
  let acc = array<vec4<f32>, 8>(a0, a1, a2, a3, a4, a5, a6, a7);
  let plane = p.H * p.W;
  for (var r = 0u; r < 8u; r++) {
    let iw = iw0 + r;
    if (iw >= p.W) { break; }
    let base = (n * p.C + 4u * cv) * plane + ih * p.W + iw;
    dx[base] = acc[r].x;
    dx[base + plane] = acc[r].y;
    dx[base + 2u * plane] = acc[r].z;
    dx[base + 3u * plane] = acc[r].w;
  }
}
