// A Node program using wgslnet exits by itself when its work is done (no shutdown() needed),
// and a program whose GPU work fails exits non-zero with the error naming the kernel.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

function runScript(code: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'wgslnet-')), 'script.mts');
  writeFileSync(file, code.replaceAll("'./src/", `'${root}src/`));
  const t0 = Date.now();
  const r = spawnSync(tsx, [file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { ...r, seconds: (Date.now() - t0) / 1000 };
}

describe('process lifetime', () => {
  it('exits by itself after computing', () => {
    const r = runScript(`
      import { init, tensor } from './src/node/index.ts';
      await init();
      const y = tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]]));
      console.log('result', Array.from(await y.toArray()).join(','));`);
    expect(r.signal).toBeNull(); // not killed by the timeout
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('result 3,7');
  });
  it('exits non-zero with a GPU error that names the kernel file', () => {
    const r = runScript(`
      import { init, zeros } from './src/node/index.ts';
      import { addShaderTexts } from './src/gpu/shaderStore.ts';
      import { defineKernel } from './src/gpu/kernelDecl.ts';
      import { launch } from './src/ops/launch.ts';
      await init();
      addShaderTexts([['user/bad.wgsl', '// bad\\n@group(0) @binding(0) var<storage, read_write> y: array<f32>;\\n@compute @workgroup_size(1) fn main() { y[0] = nope; }']]);
      const y = zeros([1]);
      launch('myOp', defineKernel({ file: 'user/bad.wgsl', params: {}, inputs: [], outputs: ['y'] }), { inputs: [], outputs: [y], workgroups: [1] });
      await y.toArray();`);
    expect(r.signal).toBeNull();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/GpuError: WebGPU validation error in compiling shaders\/user\/bad\.wgsl/);
  });
});
