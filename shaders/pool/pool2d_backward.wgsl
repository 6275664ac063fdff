// pool2d, backward — gathers, per input element, the gradient of every window that used it:
//   max (OP 0):     dx[n, c, ih, iw] = Σ_{windows whose argmax is (ih, iw)} dy[n, c, oh, ow]
//   average (OP 1): dx[n, c, ih, iw] = Σ_{windows containing (ih, iw)} dy[n, c, oh, ow] / divisor
// Windows as in pool2d.wgsl (fixed or ADAPTIVE; a dilated window is only a max pool's, whose
// membership the argmax decides). Gathering instead of scattering keeps it deterministic without
// atomics.
// Layout: dy, argmax [N, C, OH, OW]; dx [N, C, H, W]; contiguous f32.
// One invocation computes one dx element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = same as pool2d.wgsl; dy, argmax in; dx out.

struct Params {
  planes: u32, H: u32, W: u32, OH: u32,
  OW: u32, KH: u32, KW: u32, strideH: u32,
  strideW: u32, padH: u32, padW: u32, countPad: u32,
  dilH: u32, dilW: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> argmax: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override WG: u32 = 256;
override OP: u32 = 0;
override ADAPTIVE: u32 = 0;

fn window(o: u32, n: u32, outN: u32, k: u32, stride: u32, pad: u32, dil: u32) -> vec2<i32> {
  if (ADAPTIVE == 1u) {
    return vec2<i32>(i32((o * n) / outN), i32((o * n + n + outN - 1u) / outN));
  }
  let s = i32(o * stride) - i32(pad);
  return vec2<i32>(s, s + i32((k - 1u) * dil + 1u));
}

// Output indices whose windows may contain input index i (a superset; callers check).
fn candidates(i: u32, n: u32, outN: u32, k: u32, stride: u32, pad: u32, dil: u32) -> vec2<u32> {
  if (ADAPTIVE == 1u) {
    let c = (i * outN) / n;
    return vec2<u32>(select(0u, c - 1u, c > 0u), min(c + 2u + outN / n, outN));
  }
  let span = i32((k - 1u) * dil + 1u);
  let hi = (i32(i) + i32(pad)) / i32(stride) + 1;
  let lo = max(i32(i) + i32(pad) - span + 1, 0) / i32(stride);
  return vec2<u32>(u32(lo), u32(clamp(hi, 0, i32(outN))));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.planes * p.H * p.W) { return; }
  let iw = i % p.W;
  let ih = (i / p.W) % p.H;
  let plane = i / (p.W * p.H);
  let rows = candidates(ih, p.H, p.OH, p.KH, p.strideH, p.padH, p.dilH);
  let cols = candidates(iw, p.W, p.OW, p.KW, p.strideW, p.padW, p.dilW);
  var acc = 0.0;
  for (var oh = rows.x; oh < rows.y; oh++) {
    let wh = window(oh, p.H, p.OH, p.KH, p.strideH, p.padH, p.dilH);
    if (i32(ih) < wh.x || i32(ih) >= wh.y) { continue; }
    for (var ow = cols.x; ow < cols.y; ow++) {
      let ww = window(ow, p.W, p.OW, p.KW, p.strideW, p.padW, p.dilW);
      if (i32(iw) < ww.x || i32(iw) >= ww.y) { continue; }
      let o = (plane * p.OH + oh) * p.OW + ow;
      if (OP == 0u) {
        if (u32(argmax[o]) == ih * p.W + iw) { acc += dy[o]; }
      } else {
        let full = (wh.y - wh.x) * (ww.y - ww.x);
        let inside = (min(wh.y, i32(p.H)) - max(wh.x, 0)) * (min(ww.y, i32(p.W)) - max(ww.x, 0));
        acc += dy[o] / f32(select(inside, full, p.countPad == 1u && ADAPTIVE == 0u));
      }
    }
  }
  dx[i] = acc;
}
