// What went wrong, in words a user can act on. GPU errors arrive as the package's GpuError (kind
// out-of-memory / device-lost / validation); running past a buffer-size limit shows up as a
// validation error naming the limit, or as the package's own refusal of a tensor bigger than one
// buffer may bind (checked before Dawn sees it); for the user both are running out of memory.

import type { Fault } from './rpc.js';

const OOM = /out of memory|out-of-memory|exceeds the max|larger than the max|maxBufferSize|maxStorageBufferBindingSize|binds at most \d+ bytes per buffer|allocation failed|Array buffer allocation/i;

export class InputError extends Error {}
export class Stopped extends Error {}

export function classify(err: unknown): Fault {
  const e = err as { name?: string; kind?: string; message?: string };
  const message = e?.message ?? String(err);
  if (err instanceof Stopped) return { kind: 'stopped', message };
  if (err instanceof InputError) return { kind: 'input', message };
  if (e?.kind === 'device-lost' || /device (was )?lost/i.test(message)) return { kind: 'device-lost', message };
  if (e?.kind === 'out-of-memory' || err instanceof RangeError || OOM.test(message)) return { kind: 'oom', message };
  // The package's own errors name the file, shape or option that is wrong: show them as they are.
  if (e?.name === 'WgslnetError' || e?.name === 'KernelDeclarationError') return { kind: 'input', message };
  return { kind: 'other', message };
}

const SMALLER_ARCH: Record<string, string> = { resnet152: 'resnet101', resnet101: 'resnet50', resnet50: 'resnet34', resnet34: 'resnet18' };

/** Out of memory: which smaller setting to try, from the one that ran out. */
export function oomAdvice(o: { arch: string; size: number; bs: number }): string {
  const tries = [o.bs > 1 ? `batch size ${Math.max(1, Math.floor(o.bs / 2))} (now ${o.bs})` : null, o.size > 32 ? `image size ${Math.max(32, Math.round((o.size * 0.75) / 8) * 8)} (now ${o.size})` : null, SMALLER_ARCH[o.arch] ? `${SMALLER_ARCH[o.arch]} instead of ${o.arch}` : null].filter(Boolean);
  const what = `The GPU ran out of memory for ${o.arch} at ${o.size}×${o.size} pixels with batch size ${o.bs}.`;
  if (!tries.length) return `${what} That is already the smallest setting the studio offers; close other tabs or programs that use the GPU, or use a machine with more GPU memory.`;
  return `${what} Try a smaller setting: ${tries.join(', or ')}. Memory grows with batch size × image size² and with the depth of the network.`;
}
