// PyTorch checkpoints written by PyTorch itself (scripts/fixtures/make_pth_fixtures.py, Debian's
// torch 1.13): every dtype, both formats, views that are not contiguous, nested checkpoints,
// protocol 4, big-endian, deflated; loaded into modules with the strict key report; converted to
// safetensors. And hostile files: each refused with one line naming the problem, and no payload
// ever runs (the sentinel files the payloads would create never appear).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertPth } from '../src/cli/convert.js';
import { isPth, parsePth } from '../src/io/pth.js';
import { parseSafetensors, toFloat32 } from '../src/io/safetensors.js';
import { nn, noGrad, tensor, tidy } from '../src/node/index.js';
import { setupGpu } from './helpers/gpu.js';
import { WGSLNET } from './helpers/cli.js';

beforeAll(setupGpu);

const root = fileURLToPath(new URL('..', import.meta.url));
const FIX = join(root, 'test/fixtures/pth');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIX, name)));
interface Want {
  stateKey: string | null;
  tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
}
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as {
  good: Record<string, Want>;
  hostile: Record<string, { hint: string }>;
  sentinels: string[];
  tiny: { x: number[]; xShape: number[]; logits: number[] };
};

/** The tiny network of the fixture script, with torch.nn's layout and names. */
const tinyNet = () => new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1, bias: true }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3));

describe('.pth files PyTorch wrote', () => {
  it.each(Object.keys(expected.good))('%s: every tensor, dtype, shape and value as PyTorch saved it', (name) => {
    const want = expected.good[name]!;
    const pth = parsePth(fixture(name), name);
    expect(pth.stateKey).toBe(want.stateKey);
    expect([...pth.tensors.keys()]).toEqual(Object.keys(want.tensors));
    for (const [k, w] of Object.entries(want.tensors)) {
      const e = pth.tensors.get(k)!;
      expect({ k, dtype: e.dtype, shape: e.shape }).toEqual({ k, dtype: w.dtype, shape: w.shape });
      // Values compared exactly, as f32 (what toFloat32 gives for every dtype).
      expect(Array.from(toFloat32(e, k, name)), k).toEqual(w.values.map((v) => Math.fround(v)));
    }
  });

  it('covers what it claims: both formats, all eight dtypes, non-contiguous views, shared storages', () => {
    expect(parsePth(fixture('zip_dtypes.pth'), 'z').format).toBe('zip');
    expect(parsePth(fixture('legacy_dtypes.pth'), 'l').format).toBe('legacy');
    const dtypes = new Set(Object.values(expected.good['zip_dtypes.pth']!.tensors).map((t) => t.dtype));
    expect([...dtypes].sort()).toEqual(['BF16', 'BOOL', 'F16', 'F32', 'F64', 'I32', 'I64', 'U8']);
    const t = expected.good['zip_dtypes.pth']!.tensors;
    expect(t.transposed!.values).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]); // arange(12).reshape(3, 4).t()
    expect(t.sliced!.values).toEqual([5, 7, 9, 10, 12, 14, 15, 17, 19]); // base[1:, ::2]
    expect(t.expanded!.values).toEqual([1, 2, 1, 2, 1, 2]); // stride 0
    // A contiguous tensor is a view into the file's bytes (no copy); a strided one is copied out.
    const bytes = fixture('zip_dtypes.pth');
    const pth = parsePth(bytes, 'z');
    expect(pth.tensors.get('f32')!.bytes.buffer).toBe(bytes.buffer);
    expect(pth.tensors.get('transposed')!.bytes.buffer).not.toBe(bytes.buffer);
  });

  it('tells .pth from safetensors by the bytes', async () => {
    expect(isPth(fixture('zip_dtypes.pth'))).toBe(true);
    expect(isPth(fixture('legacy_dtypes.pth'))).toBe(true);
    expect(isPth(await convertAndRead(join(FIX, 'nested_state_dict.pth')))).toBe(false);
    expect(isPth(fixture('not_a_checkpoint.pth'))).toBe(false);
  });
});

describe('Module.loadPth', () => {
  it('a nested checkpoint loads into the same network (the key it used is said) and gives PyTorch’s logits', async () => {
    for (const [name, key] of [['nested_state_dict.pth', 'state_dict'], ['nested_model_legacy.pth', 'model']] as const) {
      const m = tinyNet();
      const said: string[] = [];
      const keys = await m.loadPth(join(FIX, name), { log: (s) => said.push(s) });
      expect(said).toEqual([`${join(FIX, name)}: using the state dict under '${key}'`]);
      expect(keys).toContain('1.num_batches_tracked');
      m.eval();
      const x = tensor(Float32Array.from(expected.tiny.x), expected.tiny.xShape);
      const y = await noGrad(() => tidy(() => m.forward(x))).toArray();
      y.forEach((v, i) => expect(Math.abs(v - expected.tiny.logits[i]!), `${name} logit ${i}`).toBeLessThan(1e-5));
      x.dispose();
      m.dispose();
    }
  });

  it('strict loading names every missing, unexpected and wrong-shape key at once', async () => {
    const wrong = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 5), new nn.Linear(5, 2));
    const err = await wrong.loadPth(fixture('nested_state_dict.pth'), { log: () => {} }).catch((e: Error) => e.message);
    expect(err).toMatch(/^loading pth bytes:/);
    expect(err).toMatch(/missing keys: 6\.weight, 6\.bias/);
    expect(err).toMatch(/unexpected keys: 0\.bias/); // the fixture's conv has a bias, this one none
    expect(err).toMatch(/5\.weight: shape \[3, 4\] in pth bytes, \[5, 4\] in the model/);
    wrong.dispose();
  });

  it('a plain state dict of the wrong kind is refused by name', async () => {
    const m = tinyNet();
    await expect(m.loadPth(fixture('zip_dtypes.pth'))).rejects.toThrow(/missing keys: 0\.weight/);
    m.dispose();
  });
});

async function convertAndRead(input: string): Promise<Uint8Array> {
  const out = join(mkdtempSync(join(tmpdir(), 'wgslnet-convert-')), 'out.safetensors');
  await convertPth(input, out);
  return new Uint8Array(readFileSync(out));
}

describe('convert', () => {
  it('keeps every tensor, dtype and value (strided views come out contiguous, big-endian ones little-endian)', async () => {
    for (const name of ['zip_dtypes.pth', 'legacy_dtypes.pth', 'big_endian.pth']) {
      const st = parseSafetensors(await convertAndRead(join(FIX, name)), name);
      const want = expected.good[name]!.tensors;
      expect([...st.tensors.keys()]).toEqual(Object.keys(want));
      for (const [k, w] of Object.entries(want)) {
        const e = st.tensors.get(k)!;
        expect({ k, dtype: e.dtype, shape: e.shape }).toEqual({ k, dtype: w.dtype, shape: w.shape });
        expect(Array.from(toFloat32(e, k, name))).toEqual(w.values.map((v) => Math.fround(v)));
      }
    }
  });

  it('the command line: converts, refuses a hostile file with one line and exit 1, has --help', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [...WGSLNET, 'convert', ...args], { cwd: root, encoding: 'utf8' });
    const out = join(mkdtempSync(join(tmpdir(), 'wgslnet-convert-')), 'tiny.safetensors');
    const ok = run(join(FIX, 'nested_state_dict.pth'), out);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/using the state dict under 'state_dict'\nwrote .*tiny\.safetensors: 9 tensors \(F32, I64\)/);
    expect(parseSafetensors(new Uint8Array(readFileSync(out)), out).tensors.get('1.num_batches_tracked')!.dtype).toBe('I64');
    const bad = run(join(FIX, 'evil_os_system.pth'), join(out, '..', 'evil.safetensors'));
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/refused the global posix\.system/);
    expect(existsSync(join(out, '..', 'evil.safetensors'))).toBe(false);
    expect(run('--help').stdout).toMatch(/^usage: wgslnet convert <in\.pth> <out\.safetensors>/);
    expect(run('only-one.pth').status).toBe(2);
  });
});

describe('hostile and broken files', () => {
  const messages: Record<string, RegExp> = {
    'evil_os_system.pth': /refused the global posix\.system \(os\.system\)/,
    'evil_eval.pth': /refused the global __builtin__\.eval \(builtins\.eval\)/,
    'evil_legacy_os_system.pth': /refused the global posix\.system \(os\.system\)/,
    'evil_reduce_dict.pth': /REDUCE on a dict: only collections\.OrderedDict, torch\._utils\._rebuild_tensor_v2, torch\._utils\._rebuild_parameter may be called/,
    'evil_call_storage_type.pth': /REDUCE on torch\.FloatStorage, a storage type, not a function/,
    'view_out_of_range.pth': /tensor w \(offset 2, shape \[3\], stride \[1\]\) reads element 4, past the end of its 4-element storage 0/,
    'stride_out_of_range.pth': /tensor w \(offset 0, shape \[2, 2\], stride \[1000, 1\]\) reads element 1001, past the end/,
    'storage_short.pth': /storage 0 declares 4 F32 elements \(16 bytes\) but archive\/data\/0 holds 8 bytes/,
    'huge_numel.pth': /storage 0 declares 1125899906842624 F32 elements/,
    'huge_string.pth': /a string of 4294967280 bytes runs past the end of the data/,
    'truncated.pth': /no zip end-of-central-directory record: the file is truncated or not a zip archive/,
    'legacy_huge_count.pth': /declares 3 elements but its data says 1152921504606846976/,
    'not_a_checkpoint.pth': /not a PyTorch checkpoint \(neither a zip archive nor a legacy pickle\)/,
  };

  it('a pickle that is not a state dict is named for what it holds', () => {
    const archive = (pkl: number[]) => zipSync({ 'archive/data.pkl': Uint8Array.from(pkl), 'archive/version': new TextEncoder().encode('3\n') }, { level: 0 });
    const str = (t: string) => [0x58, t.length, 0, 0, 0, ...new TextEncoder().encode(t)];
    // {'epoch': 3, 'args': None}: PROTO 2, EMPTY_DICT, MARK, 'epoch', BININT1 3, 'args', NONE, SETITEMS, STOP
    const dict = archive([0x80, 2, 0x7d, 0x28, ...str('epoch'), 0x4b, 3, ...str('args'), 0x4e, 0x75, 0x2e]);
    expect(() => parsePth(dict, 'ckpt.pth')).toThrow(/^ckpt\.pth: holds a dict \(epoch, args\) that is not a state dict \(epoch is a number\) and has no state dict under 'state_dict' or 'model'$/);
    expect(() => parsePth(archive([0x80, 2, 0x5d, 0x2e]), 'list.pth')).toThrow(/^list\.pth: holds a list, not a state dict$/);
    expect(() => parsePth(archive([0x80, 2, 0x7d]), 'nostop.pth')).toThrow(/the pickle ends before its STOP opcode/);
    expect(() => parsePth(archive([0x80, 2, 0x69, 0x2e]), 'inst.pth')).toThrow(/refused opcode 0x69 \('i'\): not one a weights file needs/); // INST
  });

  it('the fixture script made every hostile file this test expects', () => {
    expect(Object.keys(expected.hostile).sort()).toEqual(Object.keys(messages).sort());
  });

  it.each(Object.keys(messages))('%s: one line that names the problem; no sentinel appears', async (name) => {
    for (const s of expected.sentinels) rmSync(s, { force: true });
    let message = '';
    try {
      parsePth(fixture(name), name);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`^${name.replace('.', '\\.')}`));
    expect(message).toMatch(messages[name]!);
    expect(message).not.toContain('\n');
    // Through the module API too: the same refusal, nothing loaded.
    const m = tinyNet();
    await expect(m.loadPth(fixture(name))).rejects.toThrow(messages[name]!);
    m.dispose();
    for (const s of expected.sentinels) expect(existsSync(s), s).toBe(false);
  });
});
