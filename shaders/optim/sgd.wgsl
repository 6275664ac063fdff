// SGD with momentum, dampening, Nesterov and weight decay, in place — as torch.optim.SGD:
//   d = g + wd · p
//   buf = d                                   on the first step (no dampening then)
//   buf = momentum · buf + (1 − dampening) · d  afterwards
//   d = d + momentum · buf if nesterov, else buf           (only when momentum ≠ 0)
//   p = p − lr · d
// The per-step values live in `hyper` (a small storage buffer written once per step), not in the
// uniform: a schedule changes lr every step, and a new uniform buffer per step would be a new GPU
// object per step.
// Layout: param, grad, momentumBuf are [n]; hyper = [lr, momentum, dampening, weightDecay,
// nesterov (0/1), firstStep (0/1)]. One invocation per element; 2-D grid as in fill.wgsl.
// Bindings: p = { n }; grad, hyper in; param, momentumBuf in/out.

struct Params {
  n: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read> hyper: array<f32>;
@group(0) @binding(3) var<storage, read_write> param: array<f32>;
@group(0) @binding(4) var<storage, read_write> momentumBuf: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  let lr = hyper[0];
  let momentum = hyper[1];
  let dampening = hyper[2];
  let wd = hyper[3];
  var d = grad[i] + wd * param[i];
  if (momentum != 0.0) {
    var buf = d;
    if (hyper[5] == 0.0) { buf = momentum * momentumBuf[i] + (1.0 - dampening) * d; }
    momentumBuf[i] = buf;
    d = select(buf, d + momentum * buf, hyper[4] == 1.0);
  }
  param[i] = param[i] - lr * d;
}
