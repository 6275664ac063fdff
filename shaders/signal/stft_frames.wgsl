// stft frames — cut windowed frames out of (already padded) signals, as complex FFT input
//   frames[f, t] = (signal[start[f] + t] · window[t], 0)      for t < nFft
//   start[f] is where frame f begins in the concatenated signal buffer: the op pads each signal
//   as torch.stft(center = True, pad_mode = 'reflect') does (nFft/2 mirrored samples each side)
//   and lays the padded signals end to end, so frames of many files go through one FFT batch.
//   start holds integers as f32 (exact below 2^24 samples; the op checks the buffer is shorter).
// Layout: signal [total] f32; start [frames] f32; window [nFft] f32 (Hann, zero-padded to nFft
// when the window is shorter); frames [frames, nFft] vec2<f32>.
// One invocation writes one frame sample. 2-D grid of workgroups as fill.wgsl.
// Bindings: p = { nFft, frames }; signal, start, window in; out out.

struct Params {
  nFft: u32,
  frames: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> signal: array<f32>;
@group(0) @binding(2) var<storage, read> start: array<f32>;
@group(0) @binding(3) var<storage, read> window: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<vec2<f32>>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.frames * p.nFft) { return; }
  let f = i / p.nFft;
  let t = i % p.nFft;
  let s = u32(start[f]) + t;
  out[i] = vec2<f32>(signal[s] * window[t], 0.0);
}
