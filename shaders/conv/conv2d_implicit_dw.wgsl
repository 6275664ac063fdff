// conv2d, gradient of the weight — version 3: implicit GEMM, register-blocked (groups = 1, O % 4 = 0)
//   dw[o, k] = Σ_{q = (n, oh, ow)} X̂[q, k] · dy[n, o, oh, ow],   k = (c, kh, kw),
//   X̂[q, k] = x[n, c, oh·sh − ph + kh·dh, ow·sw − pw + kw·dw] (0 in the padding): the im2col
//   matrix, read straight from x.
// Layout: x NCHW; dyt is dy permuted to NHWC [N, OH, OW, O] (once per call), read as vec4 along o;
// dw OIHW.
// Same design as conv2d_implicit.wgsl, with the roles turned: 8 invocations compute 8 consecutive
// weight positions k × 32 output channels; the x reads are uniform across the workgroup, the dy
// read is one vec4 per output pixel q and feeds 8 weight positions. The loop runs over the whole
// batch and output image, the long axis of this product.
// Grid: (ceil(O/32), ceil(C·KH·KW / 8), 1).
// Bindings: p = shapes, stride, padding, dilation, groups; x, dyt in; dw out.

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  O: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padH: u32, padW: u32, dilH: u32, dilW: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dyt: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;

// Where weight position k reads x: channel-plane offset and the row / column offsets from (oh·sh, ow·sw).
struct Tap {
  plane: u32,
  dh: i32,
  dw: i32,
}

fn tap(k: u32) -> Tap {
  let kw = k % p.KW;
  let kh = (k / p.KW) % p.KH;
  let c = k / (p.KW * p.KH);
  return Tap(c * p.H * p.W, i32(kh * p.dilH) - i32(p.padH), i32(kw * p.dilW) - i32(p.padW));
}

fn xAt(image: u32, t: Tap, ih0: i32, iw0: i32) -> f32 {
  let ih = ih0 + t.dh;
  let iw = iw0 + t.dw;
  let inside = ih >= 0 && ih < i32(p.H) && iw >= 0 && iw < i32(p.W);
  return select(0.0, x[image + t.plane + u32(clamp(ih, 0, i32(p.H) - 1)) * p.W + u32(clamp(iw, 0, i32(p.W) - 1))], inside);
}

@compute @workgroup_size(8, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let o4 = p.O / 4u;
  let ov = wid.x * 8u + lid.x;
  let ovLoad = min(ov, o4 - 1u);
  let K = p.C * p.KH * p.KW;
  let k0 = wid.y * 8u;
  let t0 = tap(min(k0, K - 1u)); let t1 = tap(min(k0 + 1u, K - 1u));
  let t2 = tap(min(k0 + 2u, K - 1u)); let t3 = tap(min(k0 + 3u, K - 1u));
  let t4 = tap(min(k0 + 4u, K - 1u)); let t5 = tap(min(k0 + 5u, K - 1u));
  let t6 = tap(min(k0 + 6u, K - 1u)); let t7 = tap(min(k0 + 7u, K - 1u));

  var a0 = vec4<f32>(0.0); var a1 = vec4<f32>(0.0); var a2 = vec4<f32>(0.0); var a3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0); var a5 = vec4<f32>(0.0); var a6 = vec4<f32>(0.0); var a7 = vec4<f32>(0.0);
  for (var n = 0u; n < p.N; n++) {
    let image = n * p.C * p.H * p.W;
    for (var oh = 0u; oh < p.OH; oh++) {
      let ih0 = i32(oh * p.strideH);
      for (var ow = 0u; ow < p.OW; ow++) {
        let g = dyt[((n * p.OH + oh) * p.OW + ow) * o4 + ovLoad];
        let iw0 = i32(ow * p.strideW);
        a0 = fma(vec4<f32>(xAt(image, t0, ih0, iw0)), g, a0);
        a1 = fma(vec4<f32>(xAt(image, t1, ih0, iw0)), g, a1);
        a2 = fma(vec4<f32>(xAt(image, t2, ih0, iw0)), g, a2);
        a3 = fma(vec4<f32>(xAt(image, t3, ih0, iw0)), g, a3);
        a4 = fma(vec4<f32>(xAt(image, t4, ih0, iw0)), g, a4);
        a5 = fma(vec4<f32>(xAt(image, t5, ih0, iw0)), g, a5);
        a6 = fma(vec4<f32>(xAt(image, t6, ih0, iw0)), g, a6);
        a7 = fma(vec4<f32>(xAt(image, t7, ih0, iw0)), g, a7);
      }
    }
  }

  if (ov >= o4) { return; }
  let acc = array<vec4<f32>, 8>(a0, a1, a2, a3, a4, a5, a6, a7);
  for (var r = 0u; r < 8u; r++) {
    let k = k0 + r;
    if (k >= K) { break; }
    dw[(4u * ov) * K + k] = acc[r].x;
    dw[(4u * ov + 1u) * K + k] = acc[r].y;
    dw[(4u * ov + 2u) * K + k] = acc[r].z;
    dw[(4u * ov + 3u) * K + k] = acc[r].w;
  }
}
