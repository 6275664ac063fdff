// Page ⇄ worker messages: a request names a method and gets one reply (a value, or an error with a
// kind the page turns into advice); a worker may also post events (progress, table rows) at any
// time. Used by the training worker and the tools worker alike.

export type FaultKind = 'oom' | 'device-lost' | 'input' | 'stopped' | 'other';

export interface Fault {
  kind: FaultKind;
  message: string;
}

export type Request = { id: number; method: string; args: unknown };
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; fault: Fault };
export type Event = { event: string; data: unknown };

/** Page side: call(method, args) → Promise of the reply; on(event, f) for what the worker posts. */
export class WorkerClient {
  private next = 1;
  private waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private listeners = new Map<string, ((data: never) => void)[]>();

  constructor(private worker: Worker) {
    worker.onmessage = (e: MessageEvent<Reply | Event>) => {
      const m = e.data;
      if ('event' in m) {
        for (const f of this.listeners.get(m.event) ?? []) f(m.data as never);
        return;
      }
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve(m.value);
      else w?.reject(new FaultError(m.fault));
    };
    worker.onerror = (e) => {
      // The worker died (a script error, or the browser killed it for memory): fail every call.
      const fault: Fault = { kind: 'other', message: `the worker stopped: ${e.message || 'no reason given (possibly out of memory)'}` };
      for (const w of this.waiting.values()) w.reject(new FaultError(fault));
      this.waiting.clear();
      for (const f of this.listeners.get('crash') ?? []) f(fault as never);
    };
  }

  call<T>(method: string, args: unknown = null, transfer: Transferable[] = []): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies Request, transfer);
    });
  }

  on<T>(event: string, f: (data: T) => void): void {
    let list = this.listeners.get(event);
    if (!list) this.listeners.set(event, (list = []));
    list.push(f as (data: never) => void);
  }
}

export class FaultError extends Error {
  constructor(readonly fault: Fault) {
    super(fault.message);
  }
}
