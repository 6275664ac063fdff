// conv2d, CPU adapters — the output gradient into the uniform windows of conv2d_panel_dw_w*.wgsl
//   panels[pn, q, s, col] = dy[n, o = pn·64 + col, oh, ow]   where slot q·256 + s = (n·OH + oh)·OW + ow;
//   0 where the slot is past N·OH·OW or o ≥ O.
// Layout: dy is NCHW f32. panels is [P][Q][256][64] f32: window q holds slots [256·q, 256·q + 256),
//   one 64 KiB uniform window each, at byte offset (pn·Q + q)·65536.
// One invocation writes one slot's row (64 output channels, 16 vec4s), placing the slot once;
// neighbouring invocations take neighbouring slots, which read neighbouring pixels of dy.
// Grid: (4, Q, P): x = blocks of 64 slots, y = the window, z = the panel.
// Bindings: p = dy's shape and the window count; dy in; panels out.

struct Params {
  N: u32,
  O: u32,
  OH: u32,
  OW: u32,
  Q: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> panels: array<vec4f>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let s = wid.x * 64u + lid;
  let q = wid.y;
  let pn = wid.z;
  let slot = q * 256u + s;
  let plane = p.OH * p.OW;
  let out = ((pn * p.Q + q) * 256u + s) * 16u;
  // Channel o of this slot is dy[at + (o − first) · plane] for the panel's first o < cols.
  var cols = 0u;
  var at = 0u;
  if (slot < p.N * plane && pn * 64u < p.O) {
    cols = min(64u, p.O - pn * 64u);
    at = ((slot / plane) * p.O + pn * 64u) * plane + slot % plane;
  }
  for (var c4 = 0u; c4 < 16u; c4++) {
    var v = vec4f(0.0);
    for (var e = 0u; e < 4u; e++) {
      let col = 4u * c4 + e;
      if (col < cols) { v[e] = dy[at + col * plane]; }
    }
    panels[out + c4] = v;
  }
}
