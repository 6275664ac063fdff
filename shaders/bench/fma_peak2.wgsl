// FMA peak probe, spill-free — the adapter's multiply-add ceiling as a CPU driver sees it.
//   Each invocation runs `iters` steps of 12 independent scalar chains (a_j = a_j · s + t), 8 steps
//   per loop iteration: 12 · 2 FLOPs per step, ITERS · 24 FLOPs per invocation, no memory traffic.
// Why a second probe: a CPU driver (lavapipe, SwiftShader) runs each invocation as one SIMD lane
// and blends every loop-carried value with the lane mask once per loop iteration. fma_peak.wgsl
// keeps 8 vec4 chains (32 registers' worth) live and blends them every step, so on lavapipe it
// spills and measures about half the machine. Here 12 scalar chains fit the 16 AVX2 registers
// and the blend is paid once per 8 FMAs. Report both: "% of peak" means little without the pair.
// Layout: out is [invocations] f32 (written once, never read back in a timing).
// One invocation = 12 chains; grid: grid1d(invocations). iters must be a multiple of 8.
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
  let s = 0.999 - f32(i & 7u) * 1e-4;
  let t = p.seed + f32(i) * 1e-7;
  var a0 = t + 0.0; var a1 = t + 1.0; var a2 = t + 2.0; var a3 = t + 3.0;
  var a4 = t + 4.0; var a5 = t + 5.0; var a6 = t + 6.0; var a7 = t + 7.0;
  var a8 = t + 8.0; var a9 = t + 9.0; var a10 = t + 10.0; var a11 = t + 11.0;
  for (var k = 0u; k < p.iters; k += 8u) {
    a0 = fma(a0, s, t); a1 = fma(a1, s, t); a2 = fma(a2, s, t); a3 = fma(a3, s, t);
    a4 = fma(a4, s, t); a5 = fma(a5, s, t); a6 = fma(a6, s, t); a7 = fma(a7, s, t);
    a8 = fma(a8, s, t); a9 = fma(a9, s, t); a10 = fma(a10, s, t); a11 = fma(a11, s, t);
    a0 = fma(a0, s, t); a1 = fma(a1, s, t); a2 = fma(a2, s, t); a3 = fma(a3, s, t);
    a4 = fma(a4, s, t); a5 = fma(a5, s, t); a6 = fma(a6, s, t); a7 = fma(a7, s, t);
    a8 = fma(a8, s, t); a9 = fma(a9, s, t); a10 = fma(a10, s, t); a11 = fma(a11, s, t);
    a0 = fma(a0, s, t); a1 = fma(a1, s, t); a2 = fma(a2, s, t); a3 = fma(a3, s, t);
    a4 = fma(a4, s, t); a5 = fma(a5, s, t); a6 = fma(a6, s, t); a7 = fma(a7, s, t);
    a8 = fma(a8, s, t); a9 = fma(a9, s, t); a10 = fma(a10, s, t); a11 = fma(a11, s, t);
    a0 = fma(a0, s, t); a1 = fma(a1, s, t); a2 = fma(a2, s, t); a3 = fma(a3, s, t);
    a4 = fma(a4, s, t); a5 = fma(a5, s, t); a6 = fma(a6, s, t); a7 = fma(a7, s, t);
    a8 = fma(a8, s, t); a9 = fma(a9, s, t); a10 = fma(a10, s, t); a11 = fma(a11, s, t);
    a0 = fma(a0, s, t); a1 = fma(a1, s, t); a2 = fma(a2, s, t); a3 = fma(a3, s, t);
    a4 = fma(a4, s, t); a5 = fma(a5, s, t); a6 = fma(a6, s, t); a7 = fma(a7, s, t);
    a8 = fma(a8, s, t); a9 = fma(a9, s, t); a10 = fma(a10, s, t); a11 = fma(a11, s, t);
    a0 = fma(a0, s, t); a1 = fma(a1, s, t); a2 = fma(a2, s, t); a3 = fma(a3, s, t);
    a4 = fma(a4, s, t); a5 = fma(a5, s, t); a6 = fma(a6, s, t); a7 = fma(a7, s, t);
    a8 = fma(a8, s, t); a9 = fma(a9, s, t); a10 = fma(a10, s, t); a11 = fma(a11, s, t);
    a0 = fma(a0, s, t); a1 = fma(a1, s, t); a2 = fma(a2, s, t); a3 = fma(a3, s, t);
    a4 = fma(a4, s, t); a5 = fma(a5, s, t); a6 = fma(a6, s, t); a7 = fma(a7, s, t);
    a8 = fma(a8, s, t); a9 = fma(a9, s, t); a10 = fma(a10, s, t); a11 = fma(a11, s, t);
    a0 = fma(a0, s, t); a1 = fma(a1, s, t); a2 = fma(a2, s, t); a3 = fma(a3, s, t);
    a4 = fma(a4, s, t); a5 = fma(a5, s, t); a6 = fma(a6, s, t); a7 = fma(a7, s, t);
    a8 = fma(a8, s, t); a9 = fma(a9, s, t); a10 = fma(a10, s, t); a11 = fma(a11, s, t);
  }
  out[i] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
}
