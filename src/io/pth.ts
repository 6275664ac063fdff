// PyTorch checkpoints (`.pth`, `.pt`) read without running them: both torch.save formats, through
// the restricted unpickler (pickle.ts), into the same tensor entries safetensors gives.
//
//   zip (PyTorch ≥ 1.6)  <prefix>/data.pkl       the pickled object; storages are persistent ids
//                        <prefix>/data/<key>     each storage's raw bytes
//                        <prefix>/byteorder      'little' or 'big' (PyTorch ≥ 2.1; little if absent)
//                        <prefix>/version        the format version
//   legacy (before 1.6)  five pickles in a row (magic number, protocol 1001, system info, the object,
//                        the storage keys), then each storage as an int64 element count and its bytes.
//
// A storage id is ('storage', torch.<Type>Storage, key, location, numel[, view_metadata]). Every
// storage's byte length is checked against its numel, and every tensor's offset, shape and strides
// against its storage, before any byte is read; non-contiguous views are copied out contiguous.

import { WgslnetError } from '../gpu/errors.js';
import type { DType, TensorEntry } from './safetensors.js';
import { PyDict, PyGlobal, PyTuple, TensorRef, typeName, unpickle, type PyValue, type StorageRef } from './pickle.js';
import { readZipDirectory, zipEntryBytes } from './zip.js';

const ITEM: Record<DType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

export interface PthFile {
  tensors: Map<string, TensorEntry>;
  /** The key the state dict sat under ('state_dict' or 'model'), or null when it was the whole file. */
  stateKey: string | null;
  format: 'zip' | 'legacy';
}

interface Storage extends StorageRef {
  dtype: DType;
  key: string;
  numel: number;
  /** Filled in once the storage's bytes are read; little-endian by then. */
  bytes: Uint8Array | null;
  /** Legacy views: (root key, offset, size) in elements of the root storage. */
  view: { root: string; offset: number } | null;
}

/** Whether the bytes start as torch.save's output: a zip archive, or the legacy format's magic-number
 *  pickle (PROTO 2, LONG1). A safetensors file has '{' at byte 8, where neither has. */
export function isPth(bytes: Uint8Array): boolean {
  if (bytes[8] === 0x7b) return false;
  return (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[0] === 0x80 && bytes[1] === 0x02 && bytes[2] === 0x8a);
}

/** Reads a `.pth` file's state dict. Every problem throws one line naming `source`. */
export function parsePth(file: Uint8Array, source: string): PthFile {
  const fail = (msg: string): never => {
    throw new WgslnetError(`${source}: ${msg}`);
  };
  const storages = new Map<string, Storage>();
  const storage = (key: string, dtype: DType, numel: number, view: Storage['view']): Storage => {
    const s = storages.get(key) ?? { kind: 'storage', dtype, key, numel, bytes: null, view };
    if (s.dtype !== dtype || s.numel !== numel) fail(`storage ${key} is declared twice, differently`);
    storages.set(key, s);
    return s;
  };
  const persistentLoad = (pid: PyValue, legacy: boolean): Storage => {
    const t = pid instanceof PyTuple ? pid.items : [];
    const [tag, type, key, , numel, view] = t;
    if (tag !== 'storage' || t.length !== (legacy ? 6 : 5)) return fail(`a persistent id that is not a storage (${typeName(pid)} ${JSON.stringify(String(tag ?? ''))})`);
    if (!(type instanceof PyGlobal) || !type.storageDtype) return fail(`a storage of type ${typeName(type ?? null)}`);
    if (typeof key !== 'string') return fail('a storage whose key is not a string');
    if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) return fail(`storage ${key} declares ${String(numel)} elements`);
    const root = storage(key, type.storageDtype, numel, null);
    if (!(view instanceof PyTuple)) return root;
    // Legacy storage views: (view key, offset, size), in elements of the root storage.
    const [vkey, offset, size] = view.items;
    const ok = (n: PyValue | undefined) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
    if (typeof vkey !== 'string' || !ok(offset) || !ok(size)) return fail(`storage ${key} has a malformed view`);
    return storage(vkey, type.storageDtype, size as number, { root: key, offset: offset as number });
  };

  let root: PyValue;
  let format: PthFile['format'];
  if (file[0] === 0x50 && file[1] === 0x4b) {
    format = 'zip';
    root = readZipFormat(file, source, storages, (pid) => persistentLoad(pid, false), fail);
  } else if (file[0] === 0x80) {
    format = 'legacy';
    root = readLegacyFormat(file, source, storages, (pid) => persistentLoad(pid, true), fail);
  } else if (file.byteLength > 262 && new TextDecoder().decode(file.subarray(257, 262)) === 'ustar') {
    return fail('a tar archive: the checkpoint format of PyTorch before 0.4 is not supported; load and re-save it with a newer torch');
  } else {
    return fail('not a PyTorch checkpoint (neither a zip archive nor a legacy pickle)');
  }

  const { dict, stateKey } = findStateDict(root, fail);
  const tensors = new Map<string, TensorEntry>();
  for (const [k, t] of dict.map) tensors.set(String(k), contiguous(t as TensorRef, String(k), fail));
  return { tensors, stateKey, format };
}

function readZipFormat(file: Uint8Array, source: string, storages: Map<string, Storage>, load: (pid: PyValue) => Storage, fail: (m: string) => never): PyValue {
  const entries = readZipDirectory(file, source);
  // The records sit under one folder, named after the file torch.save wrote (or 'archive').
  const first = [...entries.keys()][0] ?? fail('an empty zip archive');
  const prefix = first.includes('/') ? first.slice(0, first.indexOf('/') + 1) : '';
  const pkl = entries.get(`${prefix}data.pkl`) ?? fail(`a zip archive without ${prefix}data.pkl: not a torch.save checkpoint (a TorchScript archive needs torch.jit.load)`);
  const text = (name: string) => {
    const e = entries.get(prefix + name);
    return e ? new TextDecoder().decode(zipEntryBytes(file, e, source)).trim() : null;
  };
  const byteorder = text('byteorder') ?? 'little';
  if (byteorder !== 'little' && byteorder !== 'big') fail(`byteorder record '${byteorder}'`);
  const root = unpickle(zipEntryBytes(file, pkl, source), { source: `${source}, ${prefix}data.pkl`, persistentLoad: load }).value;
  for (const s of storages.values()) {
    const name = `${prefix}data/${s.key}`;
    const e = entries.get(name) ?? fail(`storage ${s.key} has no record ${name}`);
    const want = s.numel * ITEM[s.dtype];
    if (!Number.isSafeInteger(want) || e.size !== want) fail(`storage ${s.key} declares ${s.numel} ${s.dtype} elements (${want} bytes) but ${name} holds ${e.size} bytes`);
    s.bytes = byteorder === 'big' ? swapBytes(zipEntryBytes(file, e, source), ITEM[s.dtype]) : zipEntryBytes(file, e, source);
  }
  return root;
}

function readLegacyFormat(file: Uint8Array, source: string, storages: Map<string, Storage>, load: (pid: PyValue) => Storage, fail: (m: string) => never): PyValue {
  const noStorage = (): never => fail('a storage inside a legacy header pickle');
  const opts = (what: string, persistentLoad: (pid: PyValue) => StorageRef = noStorage) => ({ source: `${source}, ${what}`, persistentLoad });
  let at = 0;
  const next = (what: string, persistentLoad?: (pid: PyValue) => StorageRef) => {
    const r = unpickle(file, opts(what, persistentLoad), at);
    at = r.end;
    return r.value;
  };
  const magic = next('magic number');
  if (magic !== LEGACY_MAGIC) fail('not a PyTorch checkpoint (a pickle without torch.save\'s magic number)');
  const protocol = next('protocol version');
  if (protocol !== LEGACY_PROTOCOL) fail(`legacy protocol version ${String(protocol)}, not ${LEGACY_PROTOCOL}`);
  const sys = next('system info');
  const little = sys instanceof PyDict ? sys.map.get('little_endian') : undefined;
  if (little !== true && little !== false) fail('a legacy checkpoint without its system info');
  const root = next('the object', load);
  const keys = next('storage keys');
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) fail('legacy storage keys that are not a list of strings');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (const key of keys as string[]) {
    const s = storages.get(key) ?? fail(`storage ${key} is listed but never used`);
    if (at + 8 > file.byteLength) fail(`the file ends before storage ${key}: it is truncated`);
    const count = view.getBigInt64(at, little);
    if (count !== BigInt(s.numel)) fail(`storage ${key} declares ${s.numel} elements but its data says ${count}`);
    const n = s.numel * ITEM[s.dtype];
    if (at + 8 + n > file.byteLength) fail(`storage ${key} (${n} bytes) runs past the end of the file: it is truncated`);
    s.bytes = little ? file.subarray(at + 8, at + 8 + n) : swapBytes(file.subarray(at + 8, at + 8 + n), ITEM[s.dtype]);
    at += 8 + n;
  }
  for (const s of storages.values()) {
    if (!s.view) continue;
    const r = storages.get(s.view.root)!;
    const es = ITEM[s.dtype];
    if (!r.bytes || s.view.offset + s.numel > r.numel) fail(`storage view ${s.key} falls outside storage ${r.key}`);
    s.bytes = r.bytes!.subarray(s.view.offset * es, (s.view.offset + s.numel) * es);
  }
  for (const s of storages.values()) if (!s.bytes) fail(`storage ${s.key} is used but its data is missing`);
  return root;
}

/** The dict of tensors: the whole object, or what sits under 'state_dict' or 'model'. */
function findStateDict(root: PyValue, fail: (m: string) => never): { dict: PyDict; stateKey: string | null } {
  const allTensors = (v: PyValue | undefined): v is PyDict => v instanceof PyDict && [...v.map].every(([k, t]) => typeof k === 'string' && t instanceof TensorRef);
  if (allTensors(root)) return { dict: root, stateKey: null };
  if (root instanceof PyDict) {
    for (const key of ['state_dict', 'model']) {
      const v = root.map.get(key);
      if (allTensors(v)) return { dict: v, stateKey: key };
    }
    const keys = [...root.map.keys()].map(String);
    const [badKey, badValue] = [...root.map].find(([k, v]) => typeof k !== 'string' || !(v instanceof TensorRef))!;
    const why = typeof badKey !== 'string' ? `a key is ${typeName(badKey)}` : `${badKey} is ${typeName(badValue)}`;
    return fail(`holds a dict (${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}) that is not a state dict (${why}) and has no state dict under 'state_dict' or 'model'`);
  }
  return fail(`holds ${typeName(root)}, not a state dict`);
}

/** The tensor's elements in row-major order: a view of its storage when contiguous, else a copy. */
function contiguous(t: TensorRef, name: string, fail: (m: string) => never): TensorEntry {
  const s = t.storage as Storage;
  const es = ITEM[s.dtype];
  let numel = 1;
  for (const d of t.shape) numel *= d;
  if (!Number.isSafeInteger(numel)) fail(`tensor ${name} has ${numel} elements`);
  // The last element a view reaches; every stride and size is a non-negative integer (pickle.ts).
  let last = t.offset;
  for (let i = 0; i < t.shape.length; i++) last += (t.shape[i]! - 1) * t.stride[i]!;
  if (numel > 0 && !(Number.isSafeInteger(last) && last < s.numel)) {
    fail(`tensor ${name} (offset ${t.offset}, shape [${t.shape.join(', ')}], stride [${t.stride.join(', ')}]) reads element ${last}, past the end of its ${s.numel}-element storage ${s.key}`);
  }
  let expect = 1;
  let isContiguous = true;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i] !== 1 && t.stride[i] !== expect) isContiguous = false;
    expect *= t.shape[i]!;
  }
  const bytes = s.bytes!;
  if (isContiguous || numel === 0) return { dtype: s.dtype, shape: t.shape, bytes: bytes.subarray(t.offset * es, (t.offset + numel) * es) };
  const out = new Uint8Array(numel * es);
  const idx = new Array<number>(t.shape.length).fill(0);
  for (let i = 0; i < numel; i++) {
    let src = t.offset;
    for (let d = 0; d < idx.length; d++) src += idx[d]! * t.stride[d]!;
    out.set(bytes.subarray(src * es, src * es + es), i * es);
    for (let d = idx.length - 1; d >= 0 && ++idx[d]! === t.shape[d]; d--) idx[d] = 0;
  }
  return { dtype: s.dtype, shape: t.shape, bytes: out };
}

function swapBytes(b: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(b.byteLength);
  for (let i = 0; i < b.byteLength; i += size) for (let j = 0; j < size; j++) out[i + j] = b[i + size - 1 - j]!;
  return out;
}
