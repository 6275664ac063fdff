// A restricted unpickler for PyTorch state dicts: the security boundary of loading a `.pth` file.
//
// A pickle is a program for a stack machine, and Python's unpickler calls whatever function the
// program names (os.system, builtins.eval, …). This is an interpreter for the data-building subset
// only, as torch.load(weights_only=True) promises: it knows the opcodes listed in OPCODES and the
// globals listed in GLOBALS, and nothing else. A "call" (REDUCE) can only reach the few builders
// in GLOBALS, written here in TypeScript; it never looks anything up by name, never evaluates a
// string, never imports. Anything else stops the read with one line that names it.
//
// Opcodes (pickle protocols 2–4, as torch.save writes them; Python 2's strings too):
//   framing       PROTO FRAME STOP
//   stack, memo   MARK POP POP_MARK BINPUT LONG_BINPUT MEMOIZE BINGET LONG_BINGET
//   scalars       NONE NEWTRUE NEWFALSE BININT BININT1 BININT2 LONG1 BINFLOAT
//   strings       BINUNICODE SHORT_BINUNICODE BINSTRING SHORT_BINSTRING BINBYTES SHORT_BINBYTES
//   containers    EMPTY_TUPLE TUPLE TUPLE1 TUPLE2 TUPLE3 EMPTY_LIST APPEND APPENDS
//                 EMPTY_DICT SETITEM SETITEMS
//   objects       GLOBAL STACK_GLOBAL (only GLOBALS), REDUCE (only a GLOBALS builder),
//                 BUILD (only attributes of an OrderedDict), BINPERSID (the caller's storages)
// Globals:
//   collections.OrderedDict                 builds a dict
//   torch._utils._rebuild_tensor_v2         builds a TensorRef (storage, offset, shape, stride)
//   torch._utils._rebuild_parameter         returns its tensor (nn.Parameter's wrapper)
//   torch.{Float,Half,BFloat16,Double,Long,Int,Byte,Bool}Storage   storage types (data, not callable)

import { WgslnetError } from '../gpu/errors.js';
import type { DType } from './safetensors.js';

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PyGlobal | TensorRef | StorageRef;

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A dict or OrderedDict (insertion order kept); `attrs` is what BUILD set (a state dict's _metadata). */
export class PyDict {
  readonly map = new Map<PyValue, PyValue>();
  attrs: PyValue = null;
}

/** A global the file named. Only the ones in GLOBALS exist; storage types carry their dtype. */
export class PyGlobal {
  constructor(
    readonly path: string,
    readonly storageDtype: DType | null,
  ) {}
}

/** What the caller's persistentLoad returns for a storage id; the unpickler only passes it on. */
export interface StorageRef {
  readonly kind: 'storage';
}

/** torch._utils._rebuild_tensor_v2's arguments, checked to be integers; the caller bounds-checks them. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

const STORAGE_TYPES: Record<string, DType> = {
  FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16', DoubleStorage: 'F64',
  LongStorage: 'I64', IntStorage: 'I32', ByteStorage: 'U8', BoolStorage: 'BOOL',
};
const BUILDERS = ['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_parameter'];

export class PickleError extends WgslnetError {}

export interface UnpickleOptions {
  /** Where the bytes came from, for errors ("model.pth, data.pkl"). */
  source: string;
  /** Turns a persistent id (torch's storage tuple) into a storage; throws on anything else. */
  persistentLoad(pid: PyValue): StorageRef;
}

/** Reads one pickle from `bytes` starting at `start`; returns the value and the offset after STOP. */
export function unpickle(bytes: Uint8Array, opts: UnpickleOptions, start = 0): { value: PyValue; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  let opAt = start;
  const fail = (msg: string): never => {
    throw new PickleError(`${opts.source}: ${msg} (pickle byte ${opAt - start}); nothing was executed`);
  };
  const need = (n: number, what: string): number => {
    if (!Number.isSafeInteger(n) || n < 0 || n > bytes.length - pos) fail(`${what} of ${n} bytes runs past the end of the data (${bytes.length - pos} left)`);
    const at = pos;
    pos += n;
    return at;
  };
  const utf8 = (n: number, what: string) => new TextDecoder().decode(bytes.subarray(need(n, what), pos));
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 256) fail('a GLOBAL name without its newline');
    const s = new TextDecoder().decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };

  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();
  const pop = (): PyValue => (stack.length ? stack.pop()! : fail('the stack is empty'));
  const top = (): PyValue => (stack.length ? stack[stack.length - 1]! : fail('the stack is empty'));
  const popMark = (): PyValue[] => {
    const items = stack;
    stack = marks.pop() ?? fail('no MARK to pop to');
    return items;
  };
  const get = (i: number): PyValue => (memo.has(i) ? memo.get(i)! : fail(`memo entry ${i} was never stored`));
  const global = (module: string, name: string): PyGlobal => {
    const path = `${module}.${name}`;
    if (module === 'torch' && STORAGE_TYPES[name]) return new PyGlobal(path, STORAGE_TYPES[name]!);
    if (BUILDERS.includes(path)) return new PyGlobal(path, null);
    const py3 = module === '__builtin__' ? ` (builtins.${name})` : module === 'posix' || module === 'nt' ? ` (os.${name})` : '';
    return fail(`refused the global ${path}${py3}: a weights file needs only ${BUILDERS.join(', ')} and torch's storage types`);
  };
  const setItems = (dict: PyValue, kv: PyValue[]) => {
    if (!(dict instanceof PyDict)) return fail(`SETITEM on ${typeName(dict)}, not a dict`);
    for (let i = 0; i + 1 < kv.length; i += 2) dict.map.set(kv[i]!, kv[i + 1]!);
  };

  for (;;) {
    opAt = pos;
    if (pos >= bytes.length) fail('the pickle ends before its STOP opcode');
    const op = bytes[pos++]!;
    switch (op) {
      // framing
      case 0x80: if (bytes[need(1, 'PROTO')]! > 5) fail(`pickle protocol ${bytes[pos - 1]} is newer than 5`); break; // PROTO
      case 0x95: need(8, 'FRAME'); break; // FRAME: a length hint, nothing to do
      case 0x2e: if (marks.length) fail('STOP inside a MARK'); return { value: pop(), end: pos }; // STOP '.'
      // stack and memo
      case 0x28: marks.push(stack); stack = []; break; // MARK '('
      case 0x30: pop(); break; // POP '0'
      case 0x31: popMark(); break; // POP_MARK '1'
      case 0x71: memo.set(bytes[need(1, 'BINPUT')]!, top()); break; // BINPUT 'q'
      case 0x72: memo.set(view.getUint32(need(4, 'LONG_BINPUT'), true), top()); break; // LONG_BINPUT 'r'
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(get(bytes[need(1, 'BINGET')]!)); break; // BINGET 'h'
      case 0x6a: stack.push(get(view.getUint32(need(4, 'LONG_BINGET'), true))); break; // LONG_BINGET 'j'
      // scalars
      case 0x4e: stack.push(null); break; // NONE 'N'
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(view.getInt32(need(4, 'BININT'), true)); break; // BININT 'J'
      case 0x4b: stack.push(bytes[need(1, 'BININT1')]!); break; // BININT1 'K'
      case 0x4d: stack.push(view.getUint16(need(2, 'BININT2'), true)); break; // BININT2 'M'
      case 0x8a: stack.push(long1(bytes.subarray(need(bytes[need(1, 'LONG1')]!, 'LONG1'), pos))); break; // LONG1
      case 0x47: stack.push(view.getFloat64(need(8, 'BINFLOAT'), false)); break; // BINFLOAT 'G' (big-endian)
      // strings (Python 2's str is read as UTF-8, as torch.load does)
      case 0x58: stack.push(utf8(view.getUint32(need(4, 'BINUNICODE'), true), 'a string')); break; // BINUNICODE 'X'
      case 0x8c: stack.push(utf8(bytes[need(1, 'SHORT_BINUNICODE')]!, 'a string')); break; // SHORT_BINUNICODE
      case 0x54: stack.push(utf8(view.getInt32(need(4, 'BINSTRING'), true), 'a string')); break; // BINSTRING 'T'
      case 0x55: stack.push(utf8(bytes[need(1, 'SHORT_BINSTRING')]!, 'a string')); break; // SHORT_BINSTRING 'U'
      case 0x42: stack.push(bytes.subarray(need(view.getUint32(need(4, 'BINBYTES'), true), 'a bytes value'), pos)); break; // BINBYTES 'B'
      case 0x43: stack.push(bytes.subarray(need(bytes[need(1, 'SHORT_BINBYTES')]!, 'a bytes value'), pos)); break; // SHORT_BINBYTES 'C'
      // containers
      case 0x29: stack.push(new PyTuple([])); break; // EMPTY_TUPLE ')'
      case 0x74: { const items = popMark(); stack.push(new PyTuple(items)); break; } // TUPLE 't' (popMark swaps `stack`: pop first)
      case 0x85: stack.push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push(new PyTuple([pop(), b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push(new PyTuple([pop(), b, c])); break; } // TUPLE3
      case 0x5d: stack.push([]); break; // EMPTY_LIST ']'
      case 0x61: { const v = pop(); const l = top(); if (!Array.isArray(l)) fail(`APPEND to ${typeName(l)}, not a list`); (l as PyValue[]).push(v); break; } // APPEND 'a'
      case 0x65: { const vs = popMark(); const l = top(); if (!Array.isArray(l)) fail(`APPENDS to ${typeName(l)}, not a list`); (l as PyValue[]).push(...vs); break; } // APPENDS 'e'
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT '}'
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM 's'
      case 0x75: { const kv = popMark(); setItems(top(), kv); break; } // SETITEMS 'u'
      // objects
      case 0x63: { const module = line(); stack.push(global(module, line())); break; } // GLOBAL 'c'
      case 0x93: { const name = pop(); const module = pop(); if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL without two strings'); stack.push(global(module as string, name as string)); break; } // STACK_GLOBAL
      case 0x52: { const args = pop(); stack.push(call(pop(), args, fail)); break; } // REDUCE 'R'
      case 0x62: { const state = pop(); const obj = top(); if (!(obj instanceof PyDict)) fail(`BUILD on ${typeName(obj)}: only an OrderedDict's attributes may be set`); (obj as PyDict).attrs = state; break; } // BUILD 'b'
      case 0x51: stack.push(opts.persistentLoad(pop())); break; // BINPERSID 'Q'
      default:
        fail(`refused opcode 0x${op.toString(16).padStart(2, '0')}${/[\x21-\x7e]/.test(String.fromCharCode(op)) ? ` ('${String.fromCharCode(op)}')` : ''}: not one a weights file needs`);
    }
  }
}

/** REDUCE: callable(*args), where the callable must be one of the builders in GLOBALS. */
function call(fn: PyValue, args: PyValue, fail: (msg: string) => never): PyValue {
  if (!(fn instanceof PyGlobal)) return fail(`REDUCE on ${typeName(fn)}: only ${BUILDERS.join(', ')} may be called`);
  if (!BUILDERS.includes(fn.path)) return fail(`REDUCE on ${fn.path}, a storage type, not a function`);
  if (!(args instanceof PyTuple)) return fail(`REDUCE on ${fn.path} with ${typeName(args)} instead of an argument tuple`);
  const a = args.items;
  if (fn.path === 'collections.OrderedDict') {
    const d = new PyDict();
    const pairs = a[0];
    if (a.length > 1 || (a.length === 1 && !Array.isArray(pairs))) fail('collections.OrderedDict called with something other than a list of pairs');
    for (const p of (pairs as PyValue[] | undefined) ?? []) {
      if (!(p instanceof PyTuple) || p.items.length !== 2) fail('collections.OrderedDict called with an item that is not a pair');
      d.map.set((p as PyTuple).items[0]!, (p as PyTuple).items[1]!);
    }
    return d;
  }
  if (fn.path === 'torch._utils._rebuild_parameter') {
    if (!(a[0] instanceof TensorRef)) fail(`torch._utils._rebuild_parameter called on ${typeName(a[0] ?? null)}, not a tensor`);
    return a[0]!;
  }
  // torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  const [storage, offset, size, stride] = a;
  const ints = (v: PyValue | undefined): number[] | null =>
    v instanceof PyTuple && v.items.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) ? (v.items as number[]) : null;
  if (a.length < 6 || a.length > 7) fail(`torch._utils._rebuild_tensor_v2 called with ${a.length} arguments instead of 6 or 7`);
  if (!storage || typeof storage !== 'object' || (storage as StorageRef).kind !== 'storage') fail(`torch._utils._rebuild_tensor_v2 called on ${typeName(storage ?? null)}, not a storage`);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) fail(`a tensor with storage offset ${String(offset)}`);
  const shape = ints(size);
  const strides = ints(stride);
  if (!shape || !strides || shape.length !== strides.length || shape.length > 64) fail('a tensor whose size and stride are not equal-length tuples of non-negative integers');
  return new TensorRef(storage as StorageRef, offset as number, shape!, strides!);
}

/** LONG1's payload: little-endian two's complement; a number when it is exact, else a bigint. */
function long1(b: Uint8Array): number | bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b.length && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function typeName(v: PyValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof PyTuple) return 'a tuple';
  if (v instanceof PyDict) return 'a dict';
  if (v instanceof PyGlobal) return v.path;
  if (v instanceof TensorRef) return 'a tensor';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'object') return 'a storage';
  return `a ${typeof v === 'bigint' ? 'number' : typeof v}`;
}
