// conv2d, CPU adapters — the input of the panel kernels: NCHW → zero-padded NHWC
//   xp[n, hp, wp, c] = x[n, c, hp − padT, wp − padL]   inside the image and for c < C
//   xp[...]          = 0                               in the border, for c ≥ C, and in the tail
// Layout: x is NCHW f32. xp is [N][Hp][Wp][Cp] with Cp = 4·Cp4 (channels rounded up to 4) as
// vec4s, followed by a tail of zeros (total4 counts it): the weight-gradient kernel reads a few
// pixels past the end of a line and multiplies them by zero, and they must not be NaN.
// Why: the panel kernels (conv2d_panel_w*.wgsl) read 4 channels of a pixel as one vec4 and have
// no bounds test in their inner loop, which the zero border makes unnecessary.
// One invocation writes one vec4 (4 channels of one padded pixel). Grid: grid1d(total4).
// Bindings: p = shapes, padding, total4; x in; xp out.

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
  total4: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> xp: array<vec4f>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= p.total4) { return; }
  let c4 = i % p.Cp4;
  let pixel = i / p.Cp4;
  let wp = pixel % p.Wp;
  let hp = (pixel / p.Wp) % p.Hp;
  let n = pixel / (p.Wp * p.Hp);
  var v = vec4f(0.0);
  let h = i32(hp) - i32(p.padT);
  let w = i32(wp) - i32(p.padL);
  if (n < p.N && h >= 0 && h < i32(p.H) && w >= 0 && w < i32(p.W)) {
    let plane = p.H * p.W;
    let at = (n * p.C + 4u * c4) * plane + u32(h) * p.W + u32(w);
    for (var e = 0u; e < 4u; e++) {
      if (4u * c4 + e < p.C) { v[e] = x[at + e * plane]; }
    }
  }
  xp[i] = v;
}
