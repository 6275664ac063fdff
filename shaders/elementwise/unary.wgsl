// unary — y[i] = f(x[i]), with f chosen by the override OP:
//   OP 0: relu, max(x, 0)   OP 1: exp   OP 2: log   OP 3: −x   OP 4: sqrt
// Layout: x and y contiguous f32, same shape, read flat (n elements).
// One invocation computes one element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = { n }; x in; y out.

struct Params {
  n: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;
override OP: u32 = 0;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  let v = x[i];
  switch OP {
    case 0u: { y[i] = max(v, 0.0); }
    case 1u: { y[i] = exp(v); }
    case 2u: { y[i] = log(v); }
    case 3u: { y[i] = -v; }
    default: { y[i] = sqrt(v); }
  }
}
