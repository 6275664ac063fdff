// max pool, backward — scatter each window's gradient to its argmax, one phase of windows at a time:
//   dx[n, c, argmax[o]] += dy[o]    for every output o = (n, c, oh, ow) with oh ≡ phaseH (mod PH), ow ≡ phaseW (mod PW)
// Windows of one phase never overlap (PH·strideH and PW·strideW are at least the window's span), so
// no two invocations of a dispatch add to the same dx element and no atomics are needed; the
// PH·PW phases run one after the other on dx, which starts at zero. Fixed windows only (the
// adaptive ones, and average pooling, gather: pool2d_backward.wgsl).
// Why: the gather in pool2d_backward.wgsl visits, for every input element, each window that might
// contain it, with integer divisions to find them — the slowest kernel of a ResNet's step on a
// CPU adapter next to the convolutions. Here each output does one read-add-write.
// Layout: dy, argmax are [planes, OH, OW] (argmax = ih·W + iw within the plane, as f32); dx is [planes, H, W].
// One invocation handles one output of the phase. Grid: grid1d(planes · ceil((OH − phaseH)/PH) · ceil((OW − phaseW)/PW)).
// Bindings: p = shapes and the phase; dy, argmax in; dx in/out.

struct Params {
  planes: u32,
  HW: u32,
  OH: u32,
  OW: u32,
  PH: u32,
  PW: u32,
  phaseH: u32,
  phaseW: u32,
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> argmax: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  // rows × cols outputs of this phase per plane
  if (i >= p.planes * p.rows * p.cols) { return; }
  let ow = (i % p.cols) * p.PW + p.phaseW;
  let oh = ((i / p.cols) % p.rows) * p.PH + p.phaseH;
  let plane = i / (p.rows * p.cols);
  let o = (plane * p.OH + oh) * p.OW + ow;
  let at = plane * p.HW + u32(argmax[o]);
  dx[at] = dx[at] + dy[o];
}
