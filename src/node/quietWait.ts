// Waiting for the GPU without spinning a CPU core.
//
// Dawn's Node binding learns that GPU work finished by polling: while any of its promises is
// pending (onSubmittedWorkDone, mapAsync, popErrorScope), it calls `device.Tick()` and reschedules
// itself with the global `setImmediate` (dawn/node/binding/AsyncRunner.cpp looks the global up on
// every tick). On a GPU that costs little. On a CPU adapter (lavapipe) the driver's worker threads
// ARE the GPU, and on a 2-core machine the spinning main thread takes one of the two cores away
// from them: a 640 ms dispatch finished in 435 ms once the main thread stopped spinning.
//
// So while the runtime waits, Dawn's reschedules (a native callback with no arguments) go through
// a 1 ms timer instead of setImmediate, after a short spin that keeps tiny waits fast. Every other
// caller of setImmediate is passed straight through, and the global is restored when the last
// wait ends.

/** Spin (plain setImmediate) for this long after a wait begins, then poll every millisecond. */
const SPIN_MS = 0.3;

let waiting = 0;
let since = 0;
const original = globalThis.setImmediate;

function isDawnTick(fn: unknown, args: unknown[]): boolean {
  return args.length === 0 && typeof fn === 'function' && Function.prototype.toString.call(fn).endsWith('{ [native code] }');
}

const throttled = ((fn: (...a: unknown[]) => void, ...args: unknown[]) => {
  if (performance.now() - since > SPIN_MS && isDawnTick(fn, args)) return setTimeout(fn, 1);
  return original(fn, ...args);
}) as typeof setImmediate;

/** Runs `start` (which begins an asynchronous Dawn operation) and awaits it with Dawn's polling throttled. */
export async function quietly<T>(start: () => Promise<T>): Promise<T> {
  if (waiting++ === 0) {
    since = performance.now();
    globalThis.setImmediate = throttled;
  }
  try {
    return await start();
  } finally {
    if (--waiting === 0) globalThis.setImmediate = original;
  }
}
