// conv2d, CPU adapters — the output gradient into the uniform windows of conv2d_panel_dw_w*.wgsl
//   panels[pn, q, s, col] = dy[n, o = pn·64 + col, oh, ow]   where line l = q·linesPerWindow + s / OW4
//                                                            = n·OH + oh, and ow = s % OW4;
//   0 where ow ≥ OW, l ≥ N·OH or o ≥ O.
// Layout: dy is NCHW f32. panels is [P][Q][256][64] f32: window q holds linesPerWindow lines of
//   OW4 slots (OW rounded up to 4), one 64 KiB uniform window each, at byte offset (pn·Q + q)·65536.
// One invocation writes one vec4 (4 output channels of one slot). Grid: grid1d(total4).
// Bindings: p = dy's shape and the window layout; dy in; panels out.

struct Params {
  N: u32,
  O: u32,
  OH: u32,
  OW: u32,
  OW4: u32,
  linesPerWindow: u32,
  Q: u32,
  total4: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> panels: array<vec4f>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= p.total4) { return; }
  let c4 = i % 16u;
  let s = (i / 16u) % 256u;
  let q = (i / 4096u) % p.Q;
  let pn = i / (4096u * p.Q);
  let line = q * p.linesPerWindow + s / p.OW4;
  let ow = s % p.OW4;
  var v = vec4f(0.0);
  if (s / p.OW4 < p.linesPerWindow && line < p.N * p.OH && ow < p.OW) {
    let n = line / p.OH;
    let oh = line % p.OH;
    for (var e = 0u; e < 4u; e++) {
      let o = pn * 64u + 4u * c4 + e;
      if (o < p.O) { v[e] = dy[((n * p.O + o) * p.OH + oh) * p.OW + ow]; }
    }
  }
  panels[i] = v;
}
