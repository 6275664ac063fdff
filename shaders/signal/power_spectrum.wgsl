// power spectrum — one-sided |X|², as torch.stft(onesided = True).abs().pow(2)
//   power[f, k] = re(X[f, k])² + im(X[f, k])²      for k ≤ nFft/2 (nFreq = nFft/2 + 1 bins;
//   the others mirror these for a real signal)
// Layout: spectrum [frames, nFft] vec2<f32>; power [frames, nFreq] f32 (rows are frames, so the
// mel filterbank is one matmul power · fb, fb [nFreq, nMels]).
// One invocation writes one power value. 2-D grid of workgroups as fill.wgsl.
// Bindings: p = { nFft, nFreq, frames }; spectrum in; power out.

struct Params {
  nFft: u32,
  nFreq: u32,
  frames: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> spectrum: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> power: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.frames * p.nFreq) { return; }
  let f = i / p.nFreq;
  let k = i % p.nFreq;
  let v = spectrum[f * p.nFft + k];
  power[i] = dot(v, v);
}
