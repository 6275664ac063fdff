// conv2d, CPU adapters — the input of the panel kernels: NCHW → zero-padded NHWC
//   xp[n, hp, wp, c] = x[n, c, hp − padT, wp − padL]   inside the image and for c < C
//   xp[...]          = 0                               in the border, for c ≥ C, and in the extra rows
// Layout: x is NCHW f32. xp is [N·Hp + extraRows][Wp][Cp] with Cp = 4·Cp4 (channels rounded up
// to 4), as vec4s. The extra rows of zeros after the last image are there for the weight-gradient
// kernel, which reads a few pixels past the end of a line and multiplies them by zero: they must
// exist and must not be NaN.
// Why: the panel kernels (conv2d_panel_w*.wgsl) read 4 channels of a pixel as one vec4 and have
// no bounds test in their inner loop, which the zero border makes unnecessary.
// One invocation writes one vec4: channels 4·c4 .. 4·c4+3 of one padded pixel. Neighbouring
// invocations take neighbouring pixels of one row, so the four reads of each walk along x's rows.
// Grid: (ceil(Wp / WG), N·Hp + extraRows, Cp4): x = pixels of the row, y = the row, z = c4.
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
  let c4 = wid.z;
  let n = row / p.Hp;
  let h = i32(row % p.Hp) - i32(p.padT);
  let w = i32(wp) - i32(p.padL);
  var v = vec4f(0.0);
  if (n < p.N && h >= 0 && h < i32(p.H) && w >= 0 && w < i32(p.W)) {
    let plane = p.H * p.W;
    let at = (n * p.C + 4u * c4) * plane + u32(h) * p.W + u32(w);
    for (var e = 0u; e < 4u; e++) {
      if (4u * c4 + e < p.C) { v[e] = x[at + e * plane]; }
    }
  }
  xp[(row * p.Wp + wp) * p.Cp4 + c4] = v;
}
