// Downloading weight files, on any platform with a global fetch (Node ≥ 18, browsers): the body as
// a stream of chunks with progress, a short timeout for the server to answer (so an offline
// machine fails fast instead of hanging), a longer one for a stalled body, and a length check at
// the end. torchvision's hash rule (the SHA-256 prefix in the file name) lives here too; the
// platform's WeightStore does the hashing (node:crypto, crypto.subtle) and the atomic storing.

import { WgslnetError } from '../gpu/errors.js';

/** How long the server has to send its response headers. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** How long the body may go without a byte. */
export const STALL_TIMEOUT_MS = 60_000;

/** A failed download; `network` when the server could not be reached at all (as offline). */
export class DownloadError extends WgslnetError {
  constructor(
    message: string,
    readonly network: boolean,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  /** SHA-256 prefix (hex) the file must have; see hashPrefixOf. */
  hashPrefix?: string | null;
  progress?: (received: number, total: number | null) => void;
  connectTimeoutMs?: number;
  stallTimeoutMs?: number;
}

export interface OpenDownload {
  /** Content-Length, when the server sent one. */
  total: number | null;
  /** The body, chunk by chunk; throws DownloadError if it breaks off, stalls or comes up short. */
  chunks: AsyncGenerator<Uint8Array>;
}

/** Sends the request and waits for the headers; the body is read through `chunks`. */
export async function openDownload(url: string, o: DownloadOptions = {}): Promise<OpenDownload> {
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), o.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, { signal: abort.signal });
  } catch (e) {
    clearTimeout(timer);
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    const why = abort.signal.aborted ? `no answer within ${(o.connectTimeoutMs ?? CONNECT_TIMEOUT_MS) / 1000} s` : (cause ?? (e as Error).message);
    throw new DownloadError(`${url}: cannot connect (${why})`, true);
  }
  clearTimeout(timer);
  if (!res.ok || !res.body) {
    res.body?.cancel().catch(() => {});
    throw new DownloadError(`${url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, false);
  }
  const length = res.headers.get('content-length');
  const total = length !== null && /^\d+$/.test(length) ? Number(length) : null;
  const reader = res.body.getReader();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let received = 0;
    const stall = o.stallTimeoutMs ?? STALL_TIMEOUT_MS;
    try {
      for (;;) {
        timer = setTimeout(() => abort.abort(), stall);
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await reader.read();
        } catch (e) {
          const why = abort.signal.aborted ? `no data for ${stall / 1000} s` : ((e as { cause?: Error }).cause?.message ?? (e as Error).message);
          throw new DownloadError(`${url}: the download broke off after ${received}${total === null ? '' : ` of ${total}`} bytes (${why})`, false);
        } finally {
          clearTimeout(timer);
        }
        if (r.done) break;
        received += r.value.byteLength;
        o.progress?.(received, total);
        yield r.value;
      }
    } finally {
      reader.releaseLock();
      if (!abort.signal.aborted) abort.abort(); // closes the connection if the consumer stopped early
    }
    if (total !== null && received !== total) throw new DownloadError(`${url}: the download ended after ${received} of ${total} bytes`, false);
  }
  return { total, chunks: chunks() };
}

/**
 * The SHA-256 prefix a file name promises, as torch.hub's check_hash reads it: the hex digits
 * between the last '-' and the first '.' after it (resnet18-f37072fd.pth → f37072fd). Names
 * without eight or more such digits promise nothing.
 */
export function hashPrefixOf(fileName: string): string | null {
  return /-([a-f0-9]{8,})\.[^-]*$/.exec(fileName)?.[1] ?? null;
}

export function checkHash(hexDigest: string, prefix: string | null | undefined, url: string): void {
  if (prefix && !hexDigest.startsWith(prefix)) {
    throw new DownloadError(`${url}: SHA-256 ${hexDigest.slice(0, 16)}… does not start with ${prefix}, the prefix its name promises: a corrupt or wrong file; nothing was kept`, false);
  }
}

export const toHex = (digest: ArrayBuffer | Uint8Array): string =>
  Array.from(digest instanceof Uint8Array ? digest : new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');

/** The last path segment of a URL (its file name), without query or fragment. */
export function fileNameOf(url: string): string {
  const path = url.replace(/[?#].*$/, '');
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}
