// safetensors: a model round-trips through a file; strict loading names every bad key at once;
// every malformed header gives a clear error naming the file and the tensor; F16/BF16 convert;
// writes are atomic.

import { mkdtempSync, readdirSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { manualSeed, models, parseSafetensors, randn, serializeSafetensors, tidy, toFloat32 } from '../src/node/index.js';
import { nodeFileIO } from '../src/node/files.js';
import { setupGpu } from './helpers/gpu.js';
import { MALFORMED_HEADERS, safetensorsWith } from './helpers/safetensors.js';
import { expectSameValues } from './helpers/sameValues.js';

beforeAll(setupGpu);

const dir = mkdtempSync(join(tmpdir(), 'wgslnet-st-'));

/** A file with one tensor whose header we then corrupt. */
const fileWith = safetensorsWith;

describe('safetensors', () => {
  it('a ResNet round-trips through a file, num_batches_tracked included', async () => {
    manualSeed(1);
    const a = models.resnet18({ numClasses: 10, smallInput: true });
    tidy(() => void a.forward(randn([2, 3, 16, 16]))); // one training step of BN statistics
    const path = join(dir, 'model.safetensors');
    await a.saveSafetensors(path, { note: 'test' });
    manualSeed(2);
    const b = models.resnet18({ numClasses: 10, smallInput: true });
    const loaded = await b.loadSafetensors(path);
    expect(loaded.length).toBe(a.stateDict().size);
    const sa = a.stateDict();
    for (const [k, t] of b.stateDict()) expectSameValues(await t.toArray(), await sa.get(k)!.toArray(), k);
    const file = parseSafetensors(readFileSync(path), path);
    expect(file.tensors.get('bn1.num_batches_tracked')!.dtype).toBe('I64');
    expect(toFloat32(file.tensors.get('bn1.num_batches_tracked')!, 'n', path)[0]).toBe(1);
    expect(file.metadata).toEqual({ format: 'pt', note: 'test' });
    a.eval();
    b.eval();
    const x = randn([1, 3, 16, 16]);
    const ya = tidy(() => a.forward(x));
    const yb = tidy(() => b.forward(x));
    expect(await yb.toArray()).toEqual(await ya.toArray());
    a.dispose();
    b.dispose();
  });

  it("loadStateDict copies another model's state on the GPU, BatchNorm counters included; strict names every problem", async () => {
    manualSeed(1);
    const a = models.resnet18({ numClasses: 10, smallInput: true });
    tidy(() => void a.forward(randn([2, 3, 16, 16]))); // BN statistics move; counters become 1
    manualSeed(2);
    const b = models.resnet18({ numClasses: 10, smallInput: true });
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const sa = a.stateDict();
    for (const [k, t] of b.stateDict()) expectSameValues(await t.toArray(), await sa.get(k)!.toArray(), k);
    const counter = async () => (await b.stateDict().get('layer1.0.bn1.num_batches_tracked')!.toArray())[0];
    expect(await counter()).toBe(1);
    tidy(() => void b.forward(randn([2, 3, 16, 16])));
    expect(await counter()).toBe(2); // b counts on from the loaded value
    // A plain object works too; non-strict copies what both have and returns the rest, as torch does.
    const layer1 = Object.fromEntries([...sa].filter(([k]) => k.startsWith('layer1.')));
    const r = b.loadStateDict(layer1, { strict: false });
    expect(r.unexpectedKeys).toEqual([]);
    expect(r.missingKeys).toContain('fc.weight');
    expect(r.missingKeys.length).toBe(sa.size - Object.keys(layer1).length);
    expect(() => b.loadStateDict(layer1)).toThrow(/loading the state dict:[\s\S]*missing keys: conv1\.weight/);
    const c = models.resnet18({ numClasses: 5, smallInput: true });
    expect(() => c.loadStateDict(sa)).toThrow(/fc\.weight: shape \[10, 512\] in the state dict, \[5, 512\] in the model/);
    for (const m of [a, b, c]) m.dispose();
  });

  it('strict loading reports missing, unexpected and wrong-shape keys in one error', async () => {
    const m = models.resnet18({ numClasses: 10 });
    const entries = [...m.stateDict()]
      .filter(([k]) => k !== 'layer1.0.conv1.weight' && k !== 'fc.bias')
      .map(([k, t]) => ({ name: k, dtype: 'F32' as const, shape: k === 'fc.weight' ? [5, 512] : t.shape, values: new Float32Array(k === 'fc.weight' ? 5 * 512 : t.size) }));
    entries.push({ name: 'head.extra', dtype: 'F32', shape: [1], values: new Float32Array(1) });
    const err = await m.loadSafetensors(serializeSafetensors(entries)).catch((e: Error) => e);
    expect(String(err)).toMatch(/missing keys: layer1\.0\.conv1\.weight, fc\.bias/);
    expect(String(err)).toMatch(/unexpected keys: head\.extra/);
    expect(String(err)).toMatch(/fc\.weight: shape \[5, 512\] in safetensors bytes, \[10, 512\] in the model/);
    // Non-strict still refuses wrong shapes, but skips missing and unexpected keys.
    await expect(m.loadSafetensors(serializeSafetensors(entries), { strict: false })).rejects.toThrow(/fc\.weight: shape/);
    m.dispose();
  });

  it('a missing file is named', async () => {
    const m = models.resnet18({ numClasses: 2 });
    await expect(m.loadSafetensors(join(dir, 'nope.safetensors'))).rejects.toThrow(/nope\.safetensors: cannot read \(no such file\)/);
    m.dispose();
  });

  const ok = { w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } };
  const bad: [string, Uint8Array, RegExp][] = [
    ['too short', new Uint8Array(5), /5 bytes is shorter than the 8-byte header length/],
    ['huge header length', (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 2n ** 40n, true); return b; })(), /header length 1099511627776 exceeds the 100000000-byte limit/],
    ['header past the end', (() => { const b = fileWith(ok); new DataView(b.buffer).setBigUint64(0, 5000n, true); return b; })(), /header length 5000 runs past the end/],
    ['not JSON', (() => { const b = fileWith(ok); b[8] = 0x7a; return b; })(), /header is not JSON/],
    ['offsets outside the file', fileWith({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 64] } }), /tensor w: data_offsets \[0, 64\] fall outside the 16 bytes of data/],
    ['overlapping ranges', fileWith({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }), /tensors a and b overlap/],
    ['unknown dtype', fileWith({ w: { dtype: 'F8', shape: [16], data_offsets: [0, 16] } }), /tensor w has unknown dtype "F8"/],
    ['shape/size mismatch', fileWith({ w: { dtype: 'F32', shape: [3, 2], data_offsets: [0, 16] } }), /tensor w: F32 \[3,2\] needs 24 bytes but data_offsets give 16/],
    ['bad shape', fileWith({ w: { dtype: 'F32', shape: [-4], data_offsets: [0, 16] } }), /tensor w has invalid shape \[-4\]/],
    ...MALFORMED_HEADERS.map(([what, header, message]) => [what, fileWith(header), message] as [string, Uint8Array, RegExp]),
  ];
  for (const [what, bytes, message] of bad) {
    it(`rejects: ${what}`, () => {
      expect(() => parseSafetensors(bytes, 'weights.safetensors')).toThrow(/weights\.safetensors: not a valid safetensors file/);
      expect(() => parseSafetensors(bytes, 'weights.safetensors')).toThrow(message);
    });
  }

  it('converts F16 and BF16 on load', () => {
    const f16 = [0x3c00, 0xc100, 0x2e66, 0x7c00, 0x0001]; // 1, −2.5, ≈0.1, +∞, smallest subnormal
    const bf16 = [0x3f80, 0xc020, 0x3dcd]; // 1, −2.5, ≈0.1
    const data = new Uint8Array(16);
    const dv = new DataView(data.buffer);
    f16.forEach((h, i) => dv.setUint16(2 * i, h, true));
    bf16.forEach((h, i) => dv.setUint16(10 + 2 * i, h, true));
    const file = parseSafetensors(fileWith({ h: { dtype: 'F16', shape: [5], data_offsets: [0, 10] }, b: { dtype: 'BF16', shape: [3], data_offsets: [10, 16] } }, 16).map((v, i, arr) => (i >= arr.length - 16 ? data[i - (arr.length - 16)]! : v)), 'x');
    const h = toFloat32(file.tensors.get('h')!, 'h', 'x');
    expect([h[0], h[1], h[3]]).toEqual([1, -2.5, Infinity]);
    expect(h[2]).toBeCloseTo(0.1, 3);
    expect(h[4]).toBeCloseTo(2 ** -24, 30);
    const b = toFloat32(file.tensors.get('b')!, 'b', 'x');
    expect([b[0], b[1]]).toEqual([1, -2.5]);
    expect(b[2]).toBeCloseTo(0.1, 2);
  });

  it('writes atomically: no temporary file is left, and a failed write leaves the target alone', async () => {
    const path = join(dir, 'atomic.bin');
    writeFileSync(path, 'old contents');
    await nodeFileIO.writeFileAtomic(path, new TextEncoder().encode('new contents'));
    expect(readFileSync(path, 'utf8')).toBe('new contents');
    const target = join(dir, 'is-a-directory');
    mkdirSync(target);
    await expect(nodeFileIO.writeFileAtomic(target, new Uint8Array(4))).rejects.toThrow(/is-a-directory: cannot write/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
