// fft, one pass — a radix-r pass of the Stockham autosort FFT (decimation in time), batched
//   The DFT  X[k] = Σ_{t<n} x[t]·ω_n^{t·k},  ω_n = exp(−2πi/n),  is computed in one pass per factor
//   r of n = r₁·r₂·…·r_s (the op takes 4s, then 2s, then 3, 5, 7, … so every n works; a prime n is
//   one pass of r = n, which is the direct O(n²) DFT).
//   Before a pass, with p = the product of the radices already done, entry G·p + m of the input
//   holds coefficient m of the length-p DFT of the subsequence x[G], x[G + n/p], x[G + 2n/p], …
//   (G < n/p, m < p; at the start p = 1 and that is x itself). The pass merges r of those
//   subsequences into one of length L = p·r:
//     out[g·L + m'] = Σ_{j<r} ω_L^{j·m'} · in[(g + j·n/L)·p + (m' mod p)]      (g < n/L, m' < L)
//   After the last pass p = n, g = 0 and out holds X in natural order: no bit reversal (that is
//   Stockham's "autosort"; the price is a second buffer, and the op ping-pongs two).
//   For r = 2 this is the textbook butterfly: with a = in[g·p + k], b = in[(g + n/2p)·p + k],
//     out[2g·p + k] = a + ω_{2p}^k·b   and   out[2g·p + k + p] = a − ω_{2p}^k·b.
//   ω_L^e is read from a table of the n roots ω_n^m (computed in f64 on the CPU, rounded once) at
//   m = e·(n/L); e = j·m' mod L is accumulated by adding m' (no j·m' overflow).
// Layout: x, y [batch, n] complex, as vec2<f32> (re, im) pairs, contiguous; roots [n] vec2<f32>.
// One invocation computes one output element (both ends of a butterfly are separate invocations,
// so there is no local array and any radix runs the same code). 2-D grid of workgroups as fill.wgsl.
// Bindings: p = { n, batch, radix, span (= p above) }; roots, x in; y out.

struct Params {
  n: u32,
  batch: u32,
  radix: u32,
  span: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> roots: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> x: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<vec2<f32>>;

override WG: u32 = 64;

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n * p.batch) { return; }
  let row = (i / p.n) * p.n;       // start of this transform in the batch
  let o = i % p.n;                 // output index g·L + m'
  let L = p.span * p.radix;
  let g = o / L;
  let mOut = o % L;                // m'
  let m = mOut % p.span;           // m' mod p
  let nOverL = p.n / L;            // distance between the subsequences merged here, and ω_L = ω_n^(n/L)
  var acc = vec2<f32>(0.0, 0.0);
  var e = 0u;                      // j·m' mod L
  for (var j = 0u; j < p.radix; j++) {
    let v = x[row + (g + j * nOverL) * p.span + m];
    acc += cmul(v, roots[e * nOverL]);
    e = (e + mOut) % L;
  }
  y[i] = acc;
}
