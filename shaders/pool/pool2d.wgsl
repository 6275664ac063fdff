// pool2d, forward — max (OP 0) or average (OP 1) over a window of each channel plane:
//   y[n, c, oh, ow] = max / mean of x[n, c, ih, iw] over the window of (oh, ow)
//   fixed windows (ADAPTIVE 0), as nn.MaxPool2d / nn.AvgPool2d with ceil_mode = False:
//     rows oh·sh − ph + t·dh for t < kh, those in [0, H), likewise columns (dilation d: max only;
//     average pools pass 1); padding never wins a max;
//     the average divides by kh·kw (count_include_pad = True) or by the in-image count (False);
//   adaptive windows (ADAPTIVE 1), as nn.AdaptiveMaxPool2d / AdaptiveAvgPool2d:
//     rows [floor(oh·H/OH), ceil((oh+1)·H/OH)), likewise columns.
// For max, argmax[n, c, oh, ow] = ih·W + iw of the first maximum (as f32; exact below 2^24),
// which the backward uses to route the gradient.
// Layout: x [N, C, H, W]; y, argmax [N, C, OH, OW]; contiguous f32.
// One invocation computes one y element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = { planes, H, W, OH, OW, KH, KW, strideH, strideW, padH, padW, countPad, dilH, dilW }; x in; y, argmax out.

struct Params {
  planes: u32, H: u32, W: u32, OH: u32,
  OW: u32, KH: u32, KW: u32, strideH: u32,
  strideW: u32, padH: u32, padW: u32, countPad: u32,
  dilH: u32, dilW: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> argmax: array<f32>;

override WG: u32 = 256;
override OP: u32 = 0;
override ADAPTIVE: u32 = 0;

// [start, end) of output index o's window along an axis of size n, before clipping to [0, n): for a
// fixed window the span of its k taps start + t·dil; an adaptive window is every index in it.
fn window(o: u32, n: u32, outN: u32, k: u32, stride: u32, pad: u32, dil: u32) -> vec2<i32> {
  if (ADAPTIVE == 1u) {
    return vec2<i32>(i32((o * n) / outN), i32((o * n + n + outN - 1u) / outN));
  }
  let s = i32(o * stride) - i32(pad);
  return vec2<i32>(s, s + i32((k - 1u) * dil + 1u));
}

// The first tap of a window starting at s that is inside the image (s, or s plus whole steps of dil).
fn firstTap(s: i32, dil: u32) -> i32 {
  if (s >= 0) { return s; }
  let d = i32(dil);
  return s + ((d - 1 - s) / d) * d;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.planes * p.OH * p.OW) { return; }
  let ow = i % p.OW;
  let oh = (i / p.OW) % p.OH;
  let plane = i / (p.OW * p.OH);
  let wh = window(oh, p.H, p.OH, p.KH, p.strideH, p.padH, p.dilH);
  let ww = window(ow, p.W, p.OW, p.KW, p.strideW, p.padW, p.dilW);
  let h0 = firstTap(wh.x, p.dilH);
  let h1 = min(wh.y, i32(p.H));
  let w0 = firstTap(ww.x, p.dilW);
  let w1 = min(ww.y, i32(p.W));
  var best = -0x1.fffffep+127f;
  var bestAt = 0u;
  var total = 0.0;
  for (var ih = h0; ih < h1; ih += i32(p.dilH)) {
    for (var iw = w0; iw < w1; iw += i32(p.dilW)) {
      let at = u32(ih) * p.W + u32(iw);
      let v = x[plane * p.H * p.W + at];
      if (v > best) { best = v; bestAt = at; }
      total += v;
    }
  }
  if (OP == 0u) {
    y[i] = best;
    argmax[i] = f32(bestAt);
  } else {
    let full = (wh.y - wh.x) * (ww.y - ww.x);
    let inside = (h1 - h0) * (w1 - w0);
    y[i] = total / f32(select(inside, full, p.countPad == 1u && ADAPTIVE == 0u));
  }
}
