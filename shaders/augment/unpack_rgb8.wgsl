// unpack_rgb8 — a collated batch of 8-bit RGB images, as the decoders wrote it, to float planes:
//   out[n, c, y, x] = byte[((n·H + y)·W + x)·3 + c]        (0–255, no scaling)
// Layouts: bytes holds N images of H×W×3 bytes back to back (row-major, r g b interleaved), read
//   as little-endian u32 words (4 bytes each; the last word may be padding); out is [N, 3, H, W] f32.
// This is the upload's second half: the CPU sends a quarter of the bytes float planes would take
//   and never converts a pixel; augment.wgsl then reads these planes.
// One invocation per pixel (its three channels); 2-D grid as fill.wgsl.
// Bindings: p = { N, H, W }; bytes in; out out.

struct Params {
  N: u32,
  H: u32,
  W: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> bytes: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WG: u32 = 256;

fn byteAt(b: u32) -> f32 {
  return f32((bytes[b / 4u] >> (8u * (b % 4u))) & 0xffu);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  let hw = p.H * p.W;
  if (i >= p.N * hw) { return; }
  let n = i / hw;
  let px = i % hw;
  for (var c = 0u; c < 3u; c++) {
    out[(n * 3u + c) * hw + px] = byteAt(i * 3u + c);
  }
}
