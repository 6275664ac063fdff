// The zip archives torch.save writes (since PyTorch 1.6): read from the central directory, with
// every offset and size checked against the file before use.
//
// Why not a zip library's unzip: PyTorch stores its entries uncompressed, so an entry's bytes can
// be a view into the file. fflate's unzipSync (like JSZip and zip.js) copies every entry out, which
// would double the memory of a 230 MB ResNet-152 file, and it clamps out-of-range offsets silently
// instead of reporting them. Walking the directory takes the ~100 lines below; inflating, which a
// library does far better, is fflate's, for the rare archive someone re-zipped with deflate
// (torch.load reads those too).

import { inflateSync } from 'fflate';
import { WgslnetError } from '../gpu/errors.js';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  size: number;
  /** Where the entry's (compressed) bytes start in the file. */
  dataOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

/** The archive's entries by name. Throws, naming the file, on anything truncated or out of range. */
export function readZipDirectory(file: Uint8Array, source: string): Map<string, ZipEntry> {
  const fail = (msg: string): never => {
    throw new WgslnetError(`${source}: ${msg}`);
  };
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const u64 = (at: number) => {
    const n = v.getBigUint64(at, true);
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? fail(`a zip size or offset of ${n} bytes`) : Number(n);
  };
  const inFile = (at: number, n: number, what: string) => {
    if (at < 0 || n < 0 || at + n > file.byteLength) fail(`the zip ${what} at byte ${at} (${n} bytes) runs past the end of the ${file.byteLength}-byte file: it is truncated or corrupt`);
  };

  // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let at = file.byteLength - 22; at >= Math.max(0, file.byteLength - 22 - 0xffff); at--) {
    if (v.getUint32(at, true) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail('no zip end-of-central-directory record: the file is truncated or not a zip archive');
  let count = v.getUint16(eocd + 10, true);
  let dirSize = v.getUint32(eocd + 12, true);
  let dirOffset = v.getUint32(eocd + 16, true);
  if (count === 0xffff || dirSize === U32_MAX || dirOffset === U32_MAX) {
    // ZIP64: a locator just before the record points to the 64-bit record.
    inFile(eocd - 20, 20, 'ZIP64 locator');
    if (v.getUint32(eocd - 20, true) !== ZIP64_LOCATOR) fail('a ZIP64 archive without its ZIP64 locator');
    const rec = u64(eocd - 12);
    inFile(rec, 56, 'ZIP64 end record');
    if (v.getUint32(rec, true) !== ZIP64_EOCD) fail('the ZIP64 locator points to no ZIP64 end record');
    [count, dirSize, dirOffset] = [u64(rec + 32), u64(rec + 40), u64(rec + 48)];
  }
  inFile(dirOffset, dirSize, 'central directory');

  const entries = new Map<string, ZipEntry>();
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    inFile(at, 46, 'directory entry');
    if (v.getUint32(at, true) !== CENTRAL) fail(`zip directory entry ${i} has a bad signature`);
    const flags = v.getUint16(at + 8, true);
    const method = v.getUint16(at + 10, true);
    let compressedSize = v.getUint32(at + 20, true);
    let size = v.getUint32(at + 24, true);
    const [nameLen, extraLen, commentLen] = [v.getUint16(at + 28, true), v.getUint16(at + 30, true), v.getUint16(at + 32, true)];
    let local = v.getUint32(at + 42, true);
    inFile(at + 46, nameLen + extraLen + commentLen, 'directory entry');
    const name = new TextDecoder().decode(file.subarray(at + 46, at + 46 + nameLen));
    // ZIP64 extra field (id 1): the 64-bit values of whichever fields above are 0xFFFFFFFF, in order.
    for (let e = at + 46 + nameLen; e + 4 <= at + 46 + nameLen + extraLen; e += 4 + v.getUint16(e + 2, true)) {
      if (v.getUint16(e, true) !== 1) continue;
      let f = e + 4;
      const next = () => (f + 8 <= e + 4 + v.getUint16(e + 2, true) ? u64((f += 8) - 8) : fail(`zip entry ${name}: a short ZIP64 field`));
      if (size === U32_MAX) size = next();
      if (compressedSize === U32_MAX) compressedSize = next();
      if (local === U32_MAX) local = next();
    }
    if (flags & 1) fail(`zip entry ${name} is encrypted`);
    if (method !== 0 && method !== 8) fail(`zip entry ${name} uses compression method ${method}; only stored (0) and deflated (8) entries can be read`);
    if (method === 0 && compressedSize !== size) fail(`zip entry ${name} is stored but its sizes differ (${compressedSize} and ${size})`);
    inFile(local, 30, `local header of ${name}`);
    if (v.getUint32(local, true) !== LOCAL) fail(`zip entry ${name}: no local header at byte ${local}`);
    const dataOffset = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    inFile(dataOffset, compressedSize, `data of ${name}`);
    entries.set(name, { name, method, compressedSize, size, dataOffset });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** An entry's bytes: a view into `file` when stored (no copy), inflated when deflated. */
export function zipEntryBytes(file: Uint8Array, e: ZipEntry, source: string): Uint8Array {
  const raw = file.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  if (e.method === 0) return raw;
  // Deflate cannot expand more than ~1032×; a larger claim is a lie that would allocate for nothing.
  if (e.size > 1100 * e.compressedSize + 1024) throw new WgslnetError(`${source}: zip entry ${e.name} claims ${e.size} bytes from ${e.compressedSize} deflated ones`);
  let out: Uint8Array;
  try {
    out = inflateSync(raw, { out: new Uint8Array(e.size) });
  } catch (err) {
    throw new WgslnetError(`${source}: zip entry ${e.name} does not inflate (${(err as Error).message})`);
  }
  if (out.byteLength !== e.size) throw new WgslnetError(`${source}: zip entry ${e.name} inflates to ${out.byteLength} bytes, not the ${e.size} its header says`);
  return out;
}
