// power to dB — torchaudio's AmplitudeToDB(stype = 'power'), elementwise
//   y[i] = 10·log10(max(x[i], amin)) − 10·log10(max(amin, ref))
//   (the top_db floor needs each spectrogram's maximum; the op applies it after readback)
// Layout: x, y any contiguous f32 tensor of n elements.
// One invocation writes one element. 2-D grid of workgroups as fill.wgsl.
// Bindings: p = { n, amin, dbRef (= 10·log10(max(amin, ref))) }; x in; y out.

struct Params {
  n: u32,
  amin: f32,
  dbRef: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;

// 10 / ln(10): log10(v) = ln(v) / ln(10)
const TEN_OVER_LN10: f32 = 4.3429448190325175;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  y[i] = TEN_OVER_LN10 * log(max(x[i], p.amin)) - p.dbRef;
}
