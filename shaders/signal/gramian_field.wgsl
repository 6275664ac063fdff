// Gramian angular field — summation (OP 0) or difference (OP 1), as pyts.image.GramianAngularField
//   With c = a series already reduced to `size` points (PAA) and scaled to [−1, 1] (on the CPU),
//   φ_i = arccos(c_i) and s_i = sin φ_i = √(1 − c_i²):
//     GASF[i, j] = cos(φ_i + φ_j) = c_i·c_j − s_i·s_j
//     GADF[i, j] = sin(φ_i − φ_j) = s_i·c_j − c_i·s_j
// Layout: c [count, size] f32; field [count, size, size] f32 (row i, column j), contiguous.
// One invocation computes one pixel. 2-D grid of workgroups as fill.wgsl.
// Bindings: p = { size, count }; c in; field out.

struct Params {
  size: u32,
  count: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> c: array<f32>;
@group(0) @binding(2) var<storage, read_write> field: array<f32>;

override WG: u32 = 256;
override OP: u32 = 0;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = (wid.y * nwg.x + wid.x) * WG + lid;
  if (k >= p.count * p.size * p.size) { return; }
  let j = k % p.size;
  let i = (k / p.size) % p.size;
  let row = (k / (p.size * p.size)) * p.size;
  let ci = c[row + i];
  let cj = c[row + j];
  let si = sqrt(clamp(1.0 - ci * ci, 0.0, 1.0));
  let sj = sqrt(clamp(1.0 - cj * cj, 0.0, 1.0));
  if (OP == 0u) {
    field[k] = ci * cj - si * sj;
  } else {
    field[k] = si * cj - ci * sj;
  }
}
