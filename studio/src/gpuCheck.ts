// Before anything else: can this page use WebGPU? If not, one paragraph says why and what to do,
// instead of a blank page or a stack trace.

export type GpuCheck = { ok: true } | { ok: false; reason: string };

export async function checkWebGpu(): Promise<GpuCheck> {
  if (!window.isSecureContext) {
    return {
      ok: false,
      reason:
        `This page was opened from ${location.origin || location.protocol}, which browsers do not treat as secure, and WebGPU only runs in secure pages. ` +
        'Open it over https, or from http://127.0.0.1 or http://localhost (`npm run studio` serves it there).',
    };
  }
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) {
    return {
      ok: false,
      reason:
        'This browser has no WebGPU (navigator.gpu is missing). Use a current Chrome or Edge (113 or later), or Safari 26 or Firefox 141 and later; ' +
        'on Linux, Chrome may need chrome://flags/#enable-unsafe-webgpu turned on.',
    };
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch {
    adapter = null;
  }
  if (!adapter) {
    return {
      ok: false,
      reason:
        'This browser has WebGPU but found no GPU adapter it is willing to use: the GPU or its driver may be on the browser’s blocklist, or hardware acceleration is off. ' +
        'Turn on “Use graphics acceleration when available” in the browser’s settings, update the GPU driver, or in Chrome enable chrome://flags/#enable-unsafe-webgpu ' +
        '(and, on a machine without a GPU, start Chrome with --enable-unsafe-swiftshader to use its software adapter). chrome://gpu shows what Chrome found.',
    };
  }
  return { ok: true };
}
