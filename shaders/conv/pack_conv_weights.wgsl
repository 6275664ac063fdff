// conv2d, CPU adapters — weights into the uniform panels of conv2d_panel_w*.wgsl
//   forward        (INPUT_GRAD = 0): panels[pn, g, r, col] = w[o = pn·64 + col, c, kh, kw]
//   input gradient (INPUT_GRAD = 1): panels[pn, g, r, col] = w[o, c = pn·64 + col, kh, kw]
//   where k-row r of chunk g is (tap t, channel ch) — ch is c in the forward, o in the input gradient —
//   and 0 past the real channels or columns, or past the chunk's taps.
// Layout: w is OIHW f32. plan (u32 vec4s, written once per conv shape by the host): entries
//   [0, chunks) are chunk g = (taps [x, y), vec4 channels [z, w)), tap-major: row r is tap
//   x + (r/4) / (w − z), channel 4·(z + (r/4) % (w − z)) + r % 4; entries [chunks, chunks + taps)
//   are tap t = (kh, kw, 0, 0). panels is [P][chunks][256][64] f32: every chunk is one 64 KiB
//   uniform window, at byte offset (pn·chunks + g)·65536.
// Weights change every step, so this runs every step, on the GPU (it shows in the profile).
// One invocation writes one k-row of a panel (64 columns, 16 vec4s): the plan lookups and the
// divisions that place the row are done once per 64 weights, not once per 4. Neighbouring
// invocations take neighbouring rows, whose weights lie close together in w.
// Grid: (4, chunks, P): x = blocks of 64 rows of the chunk, y = the chunk, z = the panel.
// Bindings: p = weight shape and chunk count; w in; plan in; panels out.

struct Params {
  O: u32,
  C: u32,
  KH: u32,
  KW: u32,
  chunks: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> plan: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> panels: array<vec4f>;

override INPUT_GRAD: u32 = 0;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = wid.x * 64u + lid;
  let g = wid.y;
  let pn = wid.z;
  let chunk = plan[g];
  let nc = chunk.w - chunk.z;
  let out = ((pn * p.chunks + g) * 256u + r) * 16u;
  // Where column col of this row is in w: at + col · colStride, or nowhere.
  var at = 0u;
  var colStride = 0u;
  var cols = 0u;
  if (nc > 0u && (r / 4u) / nc < chunk.y - chunk.x) {
    let t = chunk.x + (r / 4u) / nc;
    let ch = 4u * (chunk.z + (r / 4u) % nc) + r % 4u;
    let tap = plan[p.chunks + t];
    let taps = p.KH * p.KW;
    let rowChannels = select(p.C, p.O, INPUT_GRAD == 1u);
    let colChannels = select(p.O, p.C, INPUT_GRAD == 1u);
    if (ch < rowChannels && pn * 64u < colChannels) {
      cols = min(64u, colChannels - pn * 64u);
      let first = pn * 64u;
      // forward: w[o = first + col, c = ch]; input gradient: w[o = ch, c = first + col]
      let o = select(first, ch, INPUT_GRAD == 1u);
      let c = select(ch, first, INPUT_GRAD == 1u);
      at = (o * p.C + c) * taps + tap.x * p.KW + tap.y;
      colStride = select(p.C * taps, taps, INPUT_GRAD == 1u);
    }
  }
  for (var c4 = 0u; c4 < 16u; c4++) {
    var v = vec4f(0.0);
    for (var e = 0u; e < 4u; e++) {
      let col = 4u * c4 + e;
      if (col < cols) { v[e] = w[at + col * colStride]; }
    }
    panels[out + c4] = v;
  }
}
