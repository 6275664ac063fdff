// Exact equality of two typed arrays, bit for bit, at memcmp speed. vitest's toEqual walks a
// typed array element by element through its generic deep equality: about 3 µs per element, so
// 6.5 s for one 512×512×3×3 conv weight and half a minute for a ResNet-18 state dict.

import { expect } from 'vitest';

type Values = Float32Array | Int32Array | Uint32Array | Uint8Array | Float64Array | BigInt64Array;

export function expectSameValues(got: Values, want: Values, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const bytes = (v: Values) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (bytes(got).equals(bytes(want))) return;
  const i = got.findIndex((g: number | bigint, j: number) => !Object.is(g, want[j]));
  expect.fail(`${what}: element ${i} is ${got[i]} but should be ${want[i]}`);
}
