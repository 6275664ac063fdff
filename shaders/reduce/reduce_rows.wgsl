// reduce over contiguous rows — y[o] = scale · ⊕_{r < R} x[o·R + r]
//   ⊕ is + (OP 0) or max (OP 1). mean = sum with scale = 1/R.
// Layout: x is [outer, R] contiguous (the reduced axis is innermost); y is [outer].
// One workgroup computes one y element: its WG invocations stride over the row (adjacent
// invocations read adjacent elements), then combine their partials by a tree in workgroup memory.
// Workgroups form a 2-D grid, so outer may exceed 65535.
// Bindings: p = { outer, R, scale }; x in; y out.

struct Params {
  outer: u32,
  R: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WG: u32 = 64;
override OP: u32 = 0;

var<workgroup> partial: array<f32, WG>;

fn combine(u: f32, v: f32) -> f32 {
  if (OP == 0u) { return u + v; }
  return max(u, v);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let o = wid.y * nwg.x + wid.x;       // uniform across the workgroup
  let inRange = o < p.outer;
  var acc = select(-0x1.fffffep+127f, 0.0, OP == 0u);
  if (inRange) {
    for (var r = lid; r < p.R; r += WG) {
      acc = combine(acc, x[o * p.R + r]);
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { partial[lid] = combine(partial[lid], partial[lid + half]); }
    workgroupBarrier();
  }
  if (lid == 0u && inRange) { y[o] = partial[0] * p.scale; }
}
