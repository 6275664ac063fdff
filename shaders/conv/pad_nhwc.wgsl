// conv2d, CPU adapters — the input of the panel kernels: NCHW → zero-padded NHWC
//   xp[n, hp, wp, c] = x[n, c, hp − padT, wp − padL]   inside the image and for c < C
//   xp[...]          = 0                               in the border and for c ≥ C
// Layout: x is NCHW f32. xp is [N·Hp][Wp][Cp] with Cp = 4·Cp4 (channels rounded up to 4), as vec4s.
// Why: the panel kernels (conv2d_panel_w*.wgsl) read 4 channels of a pixel as one vec4 and have
// no bounds test in their inner loop, which the zero border makes unnecessary.
// One invocation writes one padded pixel: its Cp4 vec4s, one after the other, so each invocation's
// writes fill whole cache lines of xp (an invocation per vec4 had every line written by Cp4
// different workgroups). Neighbouring invocations take neighbouring pixels of a row, so each read
// of channel c walks along a row of x.
// Grid: (ceil(Wp / WG), N·Hp): x = pixels of the row, y = the padded row (n·Hp + hp).
// Bindings: p = shapes and padding; x in; xp out.

struct Params {
  N: u32,
  C: u32,
  H: u32,
  W: u32,
  Cp4: u32,
  Hp: u32,
  Wp: u32,
  padT: u32,
  padL: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> xp: array<vec4f>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wp = wid.x * WG + lid;
  if (wp >= p.Wp) { return; }
  let row = wid.y;
  let n = row / p.Hp;
  let h = i32(row % p.Hp) - i32(p.padT);
  let w = i32(wp) - i32(p.padL);
  let out = (row * p.Wp + wp) * p.Cp4;
  let inside = h >= 0 && h < i32(p.H) && w >= 0 && w < i32(p.W);
  let plane = p.H * p.W;
  let at = n * p.C * plane + u32(max(h, 0)) * p.W + u32(max(w, 0));
  for (var c4 = 0u; c4 < p.Cp4; c4++) {
    var v = vec4f(0.0);
    if (inside) {
      for (var e = 0u; e < 4u; e++) {
        let c = 4u * c4 + e;
        if (c < p.C) { v[e] = x[at + c * plane]; }
      }
    }
    xp[out + c4] = v;
  }
}
