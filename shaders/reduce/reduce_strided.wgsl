// reduce over a middle axis — y[o, i] = scale · ⊕_{r < R} x[o, r, i]
//   ⊕ is + (OP 0) or max (OP 1). mean = sum with scale = 1/R.
// Layout: x is [outer, R, inner] contiguous with inner > 1; y is [outer, inner].
// One invocation computes one y element, looping over r; neighbouring invocations take
// neighbouring i, so every step of the loop reads a contiguous run of x.
// Bindings: p = { outer, R, inner, scale }; x in; y out.

struct Params {
  outer: u32,
  R: u32,
  inner: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;
override OP: u32 = 0;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let j = (wid.y * nwg.x + wid.x) * WG + lid;
  if (j >= p.outer * p.inner) { return; }
  let o = j / p.inner;
  let i = j % p.inner;
  let base = o * p.R * p.inner + i;
  var acc = select(-0x1.fffffep+127f, 0.0, OP == 0u);
  for (var r = 0u; r < p.R; r++) {
    let v = x[base + r * p.inner];
    if (OP == 0u) { acc += v; } else { acc = max(acc, v); }
  }
  y[j] = acc * p.scale;
}
