// FMA peak probe — how many f32 multiply-adds per second this adapter sustains.
//   Each invocation runs ITERS rounds of 8 independent vec4 FMA chains (acc_j = acc_j · s + t),
//   so it does ITERS · 8 · 4 FMAs = ITERS · 64 FLOPs, with no memory traffic in the loop.
//   Eight chains hide FMA latency; the sum written at the end keeps the compiler from deleting them.
// Layout: out is [invocations] f32 (one value each, never read back in a timing).
// Bindings: p = { iters, seed }; out out.

struct Params {
  iters: u32,
  seed: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * WG + gid.x;
  let s = vec4<f32>(0.999, 0.998, 0.997, 0.996);
  let t = vec4<f32>(p.seed + f32(i) * 1e-7);
  var a0 = t; var a1 = t + 1.0; var a2 = t + 2.0; var a3 = t + 3.0;
  var a4 = t + 4.0; var a5 = t + 5.0; var a6 = t + 6.0; var a7 = t + 7.0;
  for (var k = 0u; k < p.iters; k++) {
    a0 = fma(a0, s, t); a1 = fma(a1, s, t); a2 = fma(a2, s, t); a3 = fma(a3, s, t);
    a4 = fma(a4, s, t); a5 = fma(a5, s, t); a6 = fma(a6, s, t); a7 = fma(a7, s, t);
  }
  let v = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
  out[i] = v.x + v.y + v.z + v.w;
}
