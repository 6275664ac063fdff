// Worker side of rpc.ts: serve(handlers) answers each request with the handler's value or a
// classified fault; post(event, data) sends an event to the page.

import type { Event, Fault, Reply, Request } from './rpc.js';
import { classify } from './faults.js';

type Handler = (args: never) => unknown;

/** What a handler returns plus the buffers to transfer (not copy) to the page. */
export class WithTransfer<T> {
  constructor(
    readonly value: T,
    readonly transfer: Transferable[],
  ) {}
}

export function post(event: string, data: unknown, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage({ event, data } satisfies Event, transfer);
}

export function serve(handlers: Record<string, Handler>): void {
  self.onmessage = async (e: MessageEvent<Request>) => {
    const { id, method, args } = e.data;
    const reply = (r: Reply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(r, transfer);
    const h = handlers[method];
    if (!h) return reply({ id, ok: false, fault: { kind: 'other', message: `unknown request '${method}'` } });
    try {
      const v = await h(args as never);
      if (v instanceof WithTransfer) reply({ id, ok: true, value: v.value }, v.transfer);
      else reply({ id, ok: true, value: v });
    } catch (err) {
      const fault: Fault = classify(err);
      if (fault.kind === 'other') console.error(err);
      reply({ id, ok: false, fault });
    }
  };
}
