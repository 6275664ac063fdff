// safetensors, read and written in plain TypeScript (the format is small enough that a library
// would add more than it saves): 8-byte little-endian header length N, N bytes of JSON
//   { "name": { "dtype": "F32", "shape": [...], "data_offsets": [begin, end] }, "__metadata__": {...} }
// then the raw little-endian data, offsets relative to its start. Nothing in the header is trusted
// before it is checked: length bound, JSON, dtype, shape against byte size, offsets inside the data,
// no two tensors overlapping. Every problem names the file and the tensor.

import { WgslnetError } from '../gpu/errors.js';

export type DType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<DType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
/** safetensors caps the header at 100 MB; a larger claimed length means a corrupt or hostile file. */
export const MAX_HEADER = 100_000_000;

export interface TensorEntry {
  dtype: DType;
  shape: number[];
  /** The tensor's bytes (a view into the file). */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
}

export function parseSafetensors(file: Uint8Array, source: string): SafetensorsFile {
  const fail = (msg: string): never => {
    throw new WgslnetError(`${source}: not a valid safetensors file: ${msg}`);
  };
  if (file.byteLength < 8) fail(`${file.byteLength} bytes is shorter than the 8-byte header length`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > MAX_HEADER) fail(`header length ${n} exceeds the ${MAX_HEADER}-byte limit`);
  if (8 + n > file.byteLength) fail(`header length ${n} runs past the end of the ${file.byteLength}-byte file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const data = file.subarray(8 + n);
  const tensors = new Map<string, TensorEntry>();
  const ranges: [number, number, string][] = [];
  let metadata: Record<string, string> = {};
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!isObject(raw)) fail(`__metadata__ is ${JSON.stringify(raw)}, not an object of strings`);
      const notString = Object.entries(raw as Record<string, unknown>).find(([, v]) => typeof v !== 'string');
      if (notString) fail(`__metadata__.${notString[0]} is ${JSON.stringify(notString[1])}, not a string`);
      metadata = raw as Record<string, string>;
      continue;
    }
    if (!isObject(raw)) fail(`tensor ${name} is ${JSON.stringify(raw)}, not an object with dtype, shape and data_offsets`);
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e.dtype !== 'string' || !(e.dtype in BYTES)) fail(`tensor ${name} has unknown dtype ${JSON.stringify(e.dtype)}`);
    const dtype = e.dtype as DType;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor ${name} has invalid shape ${JSON.stringify(e.shape)}`);
    const shape = e.shape as number[];
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor ${name} has invalid data_offsets ${JSON.stringify(off)}`);
    const [begin, end] = off as [number, number];
    if (begin > end) fail(`tensor ${name}: data_offsets [${begin}, ${end}] begin after they end`);
    if (end > data.byteLength) fail(`tensor ${name}: data_offsets [${begin}, ${end}] fall outside the ${data.byteLength} bytes of data`);
    const want = shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    if (end - begin !== want) fail(`tensor ${name}: ${dtype} ${JSON.stringify(shape)} needs ${want} bytes but data_offsets give ${end - begin}`);
    ranges.push([begin, end, name]);
    tensors.set(name, { dtype, shape, bytes: data.subarray(begin, end) });
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]![0] < ranges[i - 1]![1]) fail(`tensors ${ranges[i - 1]![2]} and ${ranges[i]![2]} overlap`);
  }
  return { tensors, metadata };
}

function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** The entry's values as f32 (F16, BF16, F64 and integer types convert). */
export function toFloat32(e: TensorEntry, name: string, source: string): Float32Array {
  const n = e.bytes.byteLength / BYTES[e.dtype];
  const v = new DataView(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength);
  const out = new Float32Array(n);
  switch (e.dtype) {
    case 'F32': for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i, true); break;
    case 'F64': for (let i = 0; i < n; i++) out[i] = v.getFloat64(8 * i, true); break;
    case 'F16': for (let i = 0; i < n; i++) out[i] = f16ToF32(v.getUint16(2 * i, true)); break;
    case 'BF16': {
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        word.setUint32(0, v.getUint16(2 * i, true) << 16, true);
        out[i] = word.getFloat32(0, true);
      }
      break;
    }
    case 'I64': for (let i = 0; i < n; i++) out[i] = Number(v.getBigInt64(8 * i, true)); break;
    case 'I32': for (let i = 0; i < n; i++) out[i] = v.getInt32(4 * i, true); break;
    case 'I16': for (let i = 0; i < n; i++) out[i] = v.getInt16(2 * i, true); break;
    case 'I8': for (let i = 0; i < n; i++) out[i] = v.getInt8(i); break;
    case 'U8': case 'BOOL': for (let i = 0; i < n; i++) out[i] = v.getUint8(i); break;
    default: throw new WgslnetError(`${source}: tensor ${name} has dtype ${e.dtype as string}, which cannot be read as f32`);
  }
  return out;
}

export interface OutEntry {
  name: string;
  dtype: 'F32' | 'I64';
  shape: readonly number[];
  values: Float32Array;
}

/** Serialises tensors (F32, or I64 for counters such as num_batches_tracked), header padded to 8 bytes. */
export function serializeSafetensors(entries: OutEntry[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const e of entries) {
    const size = e.values.length * BYTES[e.dtype];
    header[e.name] = { dtype: e.dtype, shape: [...e.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const jsonBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + jsonBytes.byteLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(jsonBytes.byteLength), true);
  out.set(jsonBytes, 8);
  let at = 8 + jsonBytes.byteLength;
  for (const e of entries) {
    if (e.dtype === 'F32') {
      for (let i = 0; i < e.values.length; i++, at += 4) view.setFloat32(at, e.values[i]!, true);
    } else {
      for (let i = 0; i < e.values.length; i++, at += 8) view.setBigInt64(at, BigInt(Math.round(e.values[i]!)), true);
    }
  }
  return out;
}

/** Serialises entries as they are (any dtype, bytes already little-endian): a lossless conversion. */
export function serializeRawSafetensors(entries: [string, TensorEntry][], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, e] of entries) {
    header[name] = { dtype: e.dtype, shape: [...e.shape], data_offsets: [offset, offset + e.bytes.byteLength] };
    offset += e.bytes.byteLength;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  const jsonBytes = new Uint8Array(raw.byteLength + ((8 - (raw.byteLength % 8)) % 8)).fill(0x20); // padded with spaces to 8 bytes
  jsonBytes.set(raw);
  const out = new Uint8Array(8 + jsonBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.byteLength), true);
  out.set(jsonBytes, 8);
  let at = 8 + jsonBytes.byteLength;
  for (const [, e] of entries) {
    out.set(e.bytes, at);
    at += e.bytes.byteLength;
  }
  return out;
}
