// Malformed safetensors headers (each with one 16-byte tensor's worth of data) and the message
// each must give: parsed directly (safetensors.test.ts) and through the CLI (cli.test.ts).

const ok = { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] };

export const MALFORMED_HEADERS: [string, unknown, RegExp][] = [
  ['__metadata__ null', { __metadata__: null, w: ok }, /__metadata__ is null, not an object of strings/],
  ['__metadata__ a list', { __metadata__: ['a'], w: ok }, /__metadata__ is \["a"\], not an object of strings/],
  ['__metadata__ with a number', { __metadata__: { epochs: 3 }, w: ok }, /__metadata__\.epochs is 3, not a string/],
  ['header a list', [ok], /header is not a JSON object/],
  ['header a number', 42, /header is not a JSON object/],
  ['tensor entry null', { w: null }, /tensor w is null, not an object with dtype, shape and data_offsets/],
  ['data_offsets of one number', { w: { ...ok, data_offsets: [16] } }, /tensor w has invalid data_offsets \[16\]/],
  ['data_offsets not numbers', { w: { ...ok, data_offsets: ['0', '16'] } }, /tensor w has invalid data_offsets \["0","16"\]/],
  ['data_offsets missing', { w: { dtype: 'F32', shape: [2, 2] } }, /tensor w has invalid data_offsets undefined/],
  ['begin after end', { w: { ...ok, data_offsets: [16, 0] } }, /tensor w: data_offsets \[16, 0\] begin after they end/],
];

/** The bytes of a safetensors file with this header and `dataBytes` bytes of data. */
export function safetensorsWith(header: unknown, dataBytes = 16): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}
