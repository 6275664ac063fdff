// The declaration check, with no GPU: every .wgsl file under shaders/ is declared by exactly one
// kernel in TypeScript and matches it, and opens with the header the convention asks for (the
// formula, the layout, the grid, every binding: helpers/kernelHeader.ts); a mismatch is reported
// naming the file and the problem.

import { describe, expect, it } from 'vitest';
import '../src/core.js';
import '../src/gpu/peak.js';
import { checkKernelDecl, declaredKernels, packUniforms, type KernelDecl } from '../src/gpu/kernelDecl.js';
import { readShaderFolder } from '../src/node/shaders.js';
import { headerProblems } from './helpers/kernelHeader.js';

const files = new Map(readShaderFolder());

describe('every kernel file matches its declaration', () => {
  it('each .wgsl file is declared exactly once', () => {
    const declared = declaredKernels().map((k) => k.file).sort();
    expect(new Set(declared).size).toBe(declared.length);
    expect(declared).toEqual([...files.keys()].sort());
  });
  for (const decl of declaredKernels()) {
    it(decl.file, () => {
      const layout = checkKernelDecl(decl, files.get(decl.file)!);
      expect(layout.fields.map((f) => f.name)).toEqual(Object.keys(decl.params));
      expect(layout.size % 16).toBe(0);
    });
  }
  for (const [file, text] of files) {
    it(`${file}: its header gives the formula, the layout, the grid and every binding`, () => {
      expect(headerProblems(text)).toEqual([]);
    });
  }
});

describe('the header check bites', () => {
  const header = (lines: string[]) => lines.map((l) => `// ${l}`).join('\n') + '\n' + SHADER;
  const full = ['scale — y[i] = x[i] · scale', 'Layout: x, y contiguous f32.', 'One invocation computes one element.', 'Bindings: p = { n, scale, dims }; x in; y out.'];
  it('accepts a complete header', () => expect(headerProblems(header(full))).toEqual([]));
  const cases: [string, string[], RegExp][] = [
    ['no header', [], /no comment block/],
    ['no formula', [full[0]!.replace(' = ', ' is '), ...full.slice(1)], /no formula/],
    ['no layout', [full[0]!, full[2]!, full[3]!], /no 'Layout:' line/],
    ['no grid', [full[0]!, full[1]!, full[3]!], /what one invocation or workgroup computes/],
    ['no bindings', full.slice(0, 3), /no 'Bindings:' line/],
    ['a binding left out', [...full.slice(0, 3), 'Bindings: p = { n, scale, dims }; x in.'], /does not name binding 2 \(y\)/],
  ];
  for (const [what, lines, message] of cases) {
    it(what, () => expect(headerProblems(lines.length ? header(lines) : SHADER).join('; ')).toMatch(message));
  }
});

const SHADER = `
struct Params { n: u32, scale: f32, dims: array<vec4<u32>, 2> }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG) fn main(@builtin(global_invocation_id) g: vec3u) { y[g.x] = x[g.x] * p.scale; }`;
const good: KernelDecl = { file: 'test/scale.wgsl', params: { n: 'u32', scale: 'f32', dims: 'array<vec4<u32>, 2>' }, inputs: ['x'], outputs: ['y'], overrides: ['WG'] };

describe('mismatches are reported by name', () => {
  it('accepts the matching declaration and packs from reflected offsets', () => {
    const layout = checkKernelDecl(good, SHADER);
    expect(layout.fields.map((f) => [f.name, f.offset])).toEqual([['n', 0], ['scale', 4], ['dims', 16]]);
    expect(layout.size).toBe(48);
    const bytes = packUniforms(good.file, layout, { n: 7, scale: 0.5, dims: [1, 2, 3, 4, 5, 6, 7, 8] });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(7);
    expect(view.getFloat32(4, true)).toBe(0.5);
    expect(view.getUint32(16 + 4 * 7, true)).toBe(8);
  });
  const cases: [string, Partial<KernelDecl>, RegExp][] = [
    ['member name', { params: { n: 'u32', scal: 'f32', dims: 'array<vec4<u32>, 2>' } }, /uniform members are \[n, scale, dims\]/],
    ['member type', { params: { n: 'u32', scale: 'u32', dims: 'array<vec4<u32>, 2>' } }, /scale is f32 in the shader but u32/],
    ['input order', { inputs: ['y'], outputs: ['x'] }, /binding 1 is named x in the shader but y/],
    ['access', { inputs: ['x', 'y'], outputs: [] }, /binding 2 \(y\) has access read_write, expected read/],
    ['missing binding', { outputs: ['y', 'z'] }, /binding 3 \(z\) is missing/],
    ['extra binding', { outputs: [] }, /bindings the declaration does not: y@2/],
    ['override', { overrides: ['WG', 'TILE'] }, /override constant TILE/],
  ];
  for (const [what, change, message] of cases) {
    it(what, () => {
      expect(() => checkKernelDecl({ ...good, ...change }, SHADER)).toThrow(/kernel test\/scale\.wgsl/);
      expect(() => checkKernelDecl({ ...good, ...change }, SHADER)).toThrow(message);
    });
  }
  it('a param without a value, or one Params lacks, is refused', () => {
    const layout = checkKernelDecl(good, SHADER);
    expect(() => packUniforms(good.file, layout, { n: 1, scale: 1 })).toThrow(/param dims was not given a value/);
    expect(() => packUniforms(good.file, layout, { n: 1, scale: 1, dims: [], extra: 2 })).toThrow(/param extra is not a member/);
  });
  it('unparseable WGSL names the file', () => {
    expect(() => checkKernelDecl(good, 'struct {')).toThrow(/kernel test\/scale\.wgsl/);
  });
});
