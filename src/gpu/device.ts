// Getting a GPUDevice from whatever GPU object the platform has: navigator.gpu in a browser, the
// `webgpu` package (Dawn) in Node. Everything above this file is the same on both.

import { GpuError, WgslnetError } from './errors.js';

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for CPU implementations (lavapipe/llvmpipe, SwiftShader, WARP). */
  software: boolean;
  features: string[];
  /**
   * The subgroup size compute shaders run at, when the adapter has 'subgroups' and a single size
   * (lavapipe: 8 on AVX2; SwiftShader: 4); else null. The CPU-adapter kernels are written for one
   * width and must not run at another.
   */
  subgroupSize: number | null;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number; maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number };
}

/** Features wgslnet uses when the adapter has them; none is required. */
const WANTED_FEATURES = ['timestamp-query', 'shader-f16', 'subgroups'] as const;

export interface AcquiredDevice {
  device: GPUDevice;
  adapter: AdapterReport;
}

export async function acquireDevice(gpu: GPU | undefined, powerPreference: GPUPowerPreference = 'high-performance'): Promise<AcquiredDevice> {
  if (!gpu) throw new WgslnetError('WebGPU is not available here (no navigator.gpu, and no GPU object was passed to init()).');
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (!adapter) {
    throw new WgslnetError(
      'WebGPU found no adapter. On a machine without a GPU install a software Vulkan driver ' +
        '(Debian: mesa-vulkan-drivers from bookworm-backports; `npm run setup` does it as root).',
    );
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures,
    // Ask for the adapter's own maxima: the defaults (128 MiB bindings, 16 KiB workgroup memory)
    // are too small for ResNet activations and for the tiled kernels.
    requiredLimits: {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  });
  const info = adapter.info;
  const description = info.description || '';
  const software =
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    /llvmpipe|lavapipe|swiftshader|software|warp/i.test(`${info.architecture} ${info.device} ${description}`);
  return {
    device,
    adapter: {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description,
      software,
      features: [...device.features].sort(),
      subgroupSize: subgroupSizeOf(device, info),
      limits: {
        maxBufferSize: device.limits.maxBufferSize,
        maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
        maxComputeWorkgroupStorageSize: device.limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: device.limits.maxComputeInvocationsPerWorkgroup,
      },
    },
  };
}

function subgroupSizeOf(device: GPUDevice, info: GPUAdapterInfo): number | null {
  if (!device.features.has('subgroups')) return null;
  const { subgroupMinSize: min, subgroupMaxSize: max } = info as { subgroupMinSize?: number; subgroupMaxSize?: number };
  return min !== undefined && min === max ? min : null;
}

export function describeAdapter(a: AdapterReport): string {
  const name = a.description || [a.vendor, a.architecture, a.device].filter(Boolean).join(' ');
  const sg = a.subgroupSize ? `; subgroup size ${a.subgroupSize}` : '';
  return `${name}${a.software ? ' (software)' : ''}; features: ${a.features.join(', ') || 'none'}${sg}`;
}

export function deviceLostError(info: GPUDeviceLostInfo, lastOp: string): GpuError {
  return new GpuError(`GPU device lost (${info.reason}): ${info.message}. Last op dispatched: ${lastOp}`, 'device-lost');
}
