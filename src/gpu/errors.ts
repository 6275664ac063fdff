// Errors that name what failed: the op, the kernel file, the tensor shape.
// WebGPU reports most problems asynchronously (error scopes, device loss); the runtime turns each
// into one of these and throws it at the next point where the user awaits something.

export class WgslnetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WgslnetError';
  }
}

/** A problem the GPU reported: validation, out-of-memory, internal, or device loss. */
export class GpuError extends WgslnetError {
  constructor(
    message: string,
    readonly kind: 'validation' | 'out-of-memory' | 'internal' | 'device-lost',
  ) {
    super(message);
    this.name = 'GpuError';
  }
}

/** A kernel's TypeScript declaration disagrees with its .wgsl file (or the file is missing). */
export class KernelDeclarationError extends WgslnetError {
  constructor(file: string, problems: string[]) {
    super(`kernel ${file}: declaration does not match the shader:\n  - ${problems.join('\n  - ')}`);
    this.name = 'KernelDeclarationError';
  }
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
