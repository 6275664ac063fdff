// A kernel's TypeScript declaration, and the check that it matches its .wgsl file.
//
// Convention (docs/design.md): in @group(0), binding 0 is a uniform struct of params, then the inputs
// (var<storage, read>), then the outputs (var<storage, read_write>), then — for the CPU-adapter
// kernels only — read-only uniform windows (var<uniform> arrays, e.g. 64 KiB weight panels), in
// declaration order.
// The check reads the shader with wgsl_reflect and compares names, order, access and every uniform
// member's name and type; the uniform buffer is then packed from the reflected offsets, never by hand.

import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import { KernelDeclarationError } from './errors.js';

/** WGSL types a params member may have: a scalar, a vec4 of scalars, or an array of vec4s. */
export type ParamType = 'u32' | 'i32' | 'f32' | 'vec4<u32>' | 'vec4<f32>' | `array<vec4<u32>, ${number}>`;

export interface KernelDecl {
  /** Path under shaders/, e.g. "matmul/matmul_naive.wgsl". */
  readonly file: string;
  /** Members of the uniform Params struct, in order. Empty when the kernel takes no params. */
  readonly params: Readonly<Record<string, ParamType>>;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Override constants the TypeScript side may set (e.g. workgroup size, op selector). */
  readonly overrides?: readonly string[];
  /** var<uniform> arrays after the outputs, each bound to a window of a tensor's buffer. */
  readonly uniforms?: readonly string[];
}

/** Where each params member lives in the uniform buffer, as reflected from the shader. */
export interface UniformField {
  name: string;
  type: ParamType;
  offset: number;
  /** Number of 4-byte words the member spans (1 for scalars, 4 for vec4, 4·n for array<vec4, n>). */
  words: number;
  scalar: 'u32' | 'i32' | 'f32';
}

export interface UniformLayout {
  fields: UniformField[];
  /** Byte size of the struct (rounded up to 16 as uniform buffers require). */
  size: number;
  /** Byte size of each declared uniform window (decl.uniforms), as the shader declares it. */
  windowSizes: number[];
}

/** WGSL spells the same type several ways; normalise "vec4u", "array<vec4<u32>,2>" … to one form. */
export function normaliseType(t: string): string {
  const s = t.replace(/\s+/g, '');
  return s
    .replace(/vec4u/g, 'vec4<u32>')
    .replace(/vec4f/g, 'vec4<f32>')
    .replace(/vec4i/g, 'vec4<i32>')
    .replace(/,/g, ', ');
}

function scalarOf(type: string): 'u32' | 'i32' | 'f32' {
  if (type.includes('f32')) return 'f32';
  if (type.includes('i32')) return 'i32';
  return 'u32';
}

/**
 * Checks `decl` against the shader text and returns the uniform layout.
 * Throws KernelDeclarationError listing every mismatch, naming the file.
 */
export function checkKernelDecl(decl: KernelDecl, code: string): UniformLayout {
  const problems: string[] = [];
  let reflect: WgslReflect;
  try {
    reflect = new WgslReflect(code);
  } catch (e) {
    throw new KernelDeclarationError(decl.file, [`wgsl_reflect could not parse it: ${(e as Error).message}`]);
  }

  const computeEntries = reflect.entry.compute;
  if (computeEntries.length !== 1) problems.push(`expected exactly one @compute entry point, found ${computeEntries.length}`);
  else if (computeEntries[0]!.name !== 'main') problems.push(`the @compute entry point is ${computeEntries[0]!.name}, expected main`);

  const resources = [...reflect.uniforms, ...reflect.storage].filter((r) => r.group === 0);
  const others = [...reflect.uniforms, ...reflect.storage, ...reflect.textures, ...reflect.samplers].filter((r) => r.group !== 0);
  if (others.length) problems.push(`bindings outside @group(0): ${others.map((r) => r.name).join(', ')}`);
  const byBinding = new Map(resources.map((r) => [r.binding, r]));

  const paramNames = Object.keys(decl.params);
  const hasParams = paramNames.length > 0;
  const fields: UniformField[] = [];
  let size = 0;

  if (hasParams) {
    const u = byBinding.get(0);
    if (!u || !reflect.uniforms.includes(u)) {
      problems.push('binding 0 should be var<uniform> holding the Params struct');
    } else {
      const members = u.type.isStruct ? (u.type as unknown as { members: { name: string; type: { getTypeName(): string }; offset: number; size: number }[] }).members : [];
      const shaderNames = members.map((m) => m.name);
      if (shaderNames.join(',') !== paramNames.join(',')) {
        problems.push(`uniform members are [${shaderNames.join(', ')}] but the declaration says [${paramNames.join(', ')}]`);
      }
      for (const m of members) {
        const declared = decl.params[m.name];
        if (declared === undefined) continue;
        const actual = normaliseType(m.type.getTypeName());
        if (actual !== normaliseType(declared)) {
          problems.push(`uniform member ${m.name} is ${actual} in the shader but ${declared} in the declaration`);
          continue;
        }
        fields.push({ name: m.name, type: declared, offset: m.offset, words: m.size / 4, scalar: scalarOf(declared) });
        size = Math.max(size, m.offset + m.size);
      }
    }
  }

  const expected: { name: string; binding: number; access: 'read' | 'read_write' }[] = [];
  let binding = hasParams ? 1 : 0;
  for (const name of decl.inputs) expected.push({ name, binding: binding++, access: 'read' });
  for (const name of decl.outputs) expected.push({ name, binding: binding++, access: 'read_write' });
  for (const e of expected) {
    const r = byBinding.get(e.binding);
    if (!r) {
      problems.push(`binding ${e.binding} (${e.name}) is missing`);
    } else if (!reflect.storage.includes(r)) {
      problems.push(`binding ${e.binding} (${e.name}) should be var<storage, ${e.access}>`);
    } else {
      if (r.name !== e.name) problems.push(`binding ${e.binding} is named ${r.name} in the shader but ${e.name} in the declaration`);
      if (r.access !== e.access) problems.push(`binding ${e.binding} (${e.name}) has access ${r.access}, expected ${e.access}`);
    }
  }
  const windowSizes: number[] = [];
  for (const name of decl.uniforms ?? []) {
    const r = byBinding.get(binding);
    if (!r) problems.push(`binding ${binding} (${name}) is missing`);
    else if (!reflect.uniforms.includes(r)) problems.push(`binding ${binding} (${name}) should be var<uniform>`);
    else {
      if (r.name !== name) problems.push(`binding ${binding} is named ${r.name} in the shader but ${name} in the declaration`);
      windowSizes.push(r.type.size);
    }
    binding++;
  }
  if (resources.length > expected.length + (decl.uniforms?.length ?? 0) + (hasParams ? 1 : 0)) {
    const extra = resources.filter((r) => r.binding >= binding).map((r) => `${r.name}@${r.binding}`);
    problems.push(`the shader has bindings the declaration does not: ${extra.join(', ')}`);
  }

  const shaderOverrides = new Set(reflect.overrides.map((o) => o.name));
  for (const o of decl.overrides ?? []) {
    if (!shaderOverrides.has(o)) problems.push(`override constant ${o} is not declared in the shader`);
  }

  if (problems.length) throw new KernelDeclarationError(decl.file, problems);
  return { fields, size: Math.ceil(size / 16) * 16, windowSizes };
}

/** Packs params into bytes at the reflected offsets. Missing or extra values throw, naming the kernel. */
export function packUniforms(file: string, layout: UniformLayout, values: Readonly<Record<string, number | readonly number[]>>): Uint8Array {
  const bytes = new Uint8Array(layout.size);
  const view = new DataView(bytes.buffer);
  for (const f of layout.fields) {
    const v = values[f.name];
    if (v === undefined) throw new KernelDeclarationError(file, [`param ${f.name} was not given a value`]);
    const list = typeof v === 'number' ? [v] : v;
    if (list.length > f.words) throw new KernelDeclarationError(file, [`param ${f.name} takes ${f.words} values, got ${list.length}`]);
    for (let i = 0; i < list.length; i++) {
      const at = f.offset + 4 * i;
      if (f.scalar === 'f32') view.setFloat32(at, list[i]!, true);
      else if (f.scalar === 'i32') view.setInt32(at, list[i]!, true);
      else view.setUint32(at, list[i]!, true);
    }
  }
  for (const k of Object.keys(values)) {
    if (!layout.fields.some((f) => f.name === k)) throw new KernelDeclarationError(file, [`param ${k} is not a member of Params`]);
  }
  return bytes;
}

const declared: KernelDecl[] = [];

/** Declares a kernel (and registers it, so a test can check every declaration against its file). */
export function defineKernel<D extends KernelDecl>(decl: D): D {
  declared.push(decl);
  return decl;
}

export function declaredKernels(): readonly KernelDecl[] {
  return declared;
}
