// Weights in and out of a Module as safetensors with torchvision's key names.

import { runtime } from '../gpu/runtime.js';
import { parsePth } from '../io/pth.js';
import { parseSafetensors, serializeSafetensors, toFloat32, type OutEntry, type TensorEntry } from '../io/safetensors.js';
import { readBytes, writeBytes } from '../io/platform.js';
import type { Module } from './module.js';

/** BatchNorm's batch counter: torchvision writes it as I64. */
const isCounter = (key: string) => key === 'num_batches_tracked' || key.endsWith('.num_batches_tracked');

/**
 * Loads weights (a path, a URL in a browser, or the bytes) into `m`. Strict by default: missing,
 * unexpected and wrong-shape keys are all reported in one error and nothing is loaded.
 * F16, BF16, F64 and integer tensors are converted to f32.
 */
export async function loadSafetensors(m: Module, source: string | Uint8Array | ArrayBuffer, strict = true): Promise<string[]> {
  const name = typeof source === 'string' ? source : 'safetensors bytes';
  return loadEntries(m, parseSafetensors(await readBytes(source), name).tensors, name, strict);
}

/**
 * Loads a PyTorch checkpoint (`.pth`/`.pt`, zip or legacy format; see io/pth.ts) into `m`, with
 * loadSafetensors' strict key report. Nothing in the file is executed. When the state dict sits
 * under 'state_dict' or 'model', `log` says so.
 */
export async function loadPth(m: Module, source: string | Uint8Array | ArrayBuffer, strict = true, log: (line: string) => void = console.log): Promise<string[]> {
  const name = typeof source === 'string' ? source : 'pth bytes';
  const pth = parsePth(await readBytes(source), name);
  if (pth.stateKey) log(`${name}: using the state dict under '${pth.stateKey}'`);
  return loadEntries(m, pth.tensors, name, strict);
}

/** Copies parsed tensors (key → entry) into `m`, checked as loadSafetensors describes. */
export function loadEntries(m: Module, tensors: Map<string, TensorEntry>, name: string, strict = true): string[] {
  const file = { tensors };
  const keys = m.checkStateKeys(new Map([...file.tensors].map(([k, e]) => [k, e.shape])), name, strict);
  const own = m.stateDict(); // (brings BatchNorm's counters up to date before they are overwritten)
  for (const k of keys) {
    const values = toFloat32(file.tensors.get(k)!, k, name);
    if (values.length) runtime().write(own.get(k)!.buffer('loadSafetensors'), values);
  }
  return keys;
}

/** The module's state as safetensors bytes (F32; num_batches_tracked as I64, as torchvision writes it). */
export async function toSafetensors(m: Module, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  return serializeSafetensors(await stateEntries(m), { format: 'pt', ...metadata });
}

/** The module's state dict read back as entries ready to serialise. */
export async function stateEntries(m: Module): Promise<OutEntry[]> {
  const entries: OutEntry[] = [];
  for (const [k, t] of m.stateDict()) entries.push({ name: k, dtype: isCounter(k) ? 'I64' : 'F32', shape: t.shape, values: await t.toArray() });
  return entries;
}

/** Writes the module's weights to `path` atomically (temporary file, then rename). */
export async function saveSafetensors(m: Module, path: string, metadata?: Record<string, string>): Promise<void> {
  await writeBytes(path, await toSafetensors(m, metadata));
}
