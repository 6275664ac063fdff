/// <reference types="@webgpu/types" preserve="true" />
// Everything wgslnet exports, on any platform. The platform entries (node/index.ts,
// browser/index.ts) add an init() that knows where the GPU and the shader files are.

import './ops/methods.js';
import { acquireDevice } from './gpu/device.js';
import { Runtime, hasRuntime, runtime, setRuntime, type DebugOptions } from './gpu/runtime.js';
import { addShaderTexts } from './gpu/shaderStore.js';
import type { AdapterReport } from './gpu/device.js';
import type { KernelTime } from './gpu/profiler.js';
import { profileWallClock as wallClock, type WallClockOptions } from './gpu/wallClock.js';

export { Tensor } from './tensor/tensor.js';
export { tidy, keep, memory, type MemoryInfo } from './tensor/scope.js';
export { noGrad, isGradEnabled } from './tensor/autograd.js';
export { manualSeed } from './tensor/random.js';
export { tensor, zeros, ones, full, rand, randn, zerosLike, onesLike, type TensorOptions } from './ops/creation.js';
export { setMatmulImpl, type MatmulImpl, type MatmulOptions } from './ops/matmul.js';
export * as F from './ops/functional.js';
export { LabelSmoothingCrossEntropy, type CrossEntropyOptions } from './ops/loss.js';
export * as nn from './nn/index.js';
export * as models from './models/index.js';
export * as optim from './optim/index.js';
export { resnet18, resnet34, resnet50, resnet101, resnet152, ResNet, type ResNetOptions } from './models/index.js';
export { WgslnetError, GpuError, KernelDeclarationError } from './gpu/errors.js';
// The fastai-style workflow: data, learner, interpretation.
export { Resize, RandomResizedCrop, type ItemTfm, type ResizeMethod } from './data/itemTransforms.js';
export { augTransforms, imagenetStats, type AugOptions, type Normalize, type BatchTfms } from './data/batchTransforms.js';
export { ImageDataLoaders, DataLoaders, type DataLoadersOptions, type Label } from './data/dataLoaders.js';
export { DataLoader, type Batch } from './data/dataLoader.js';
export { type Decoder } from './data/loader.js';
export { type LoaderStats } from './data/prefetch.js';
export { RandomSplitter, GrandparentSplitter, type Splitter, type Split } from './data/splitters.js';
export { type RgbImage } from './data/image.js';
export { visionLearner, cnnLearner, VisionLearner, type VisionLearnerOptions } from './learner/visionLearner.js';
export { Learner, slice, type Lr, type LearnerOptions, type LossFunc, type FitOptions, type OneCycleOpts, type FineTuneOpts, type Hypers, type History } from './learner/learner.js';
// fastai's callbacks (learner/callback.ts lists the events and when each fires).
export { Callback, CancelBatch, CancelStep, CancelBackward, CancelTrain, CancelValidate, CancelEpoch, CancelFit, EVENTS, type CallbackEvents, type CallbackLike, type EventName } from './learner/callback.js';
export { Recorder, SmoothLoss } from './learner/recorder.js';
export { ProgressCallback, type Output } from './learner/progress.js';
export { ParamScheduler, type Schedules } from './learner/schedule.js';
export { LRFinder, suggestLrs } from './learner/lrFind.js';
export { TrackerCallback, SaveModelCallback, EarlyStoppingCallback, ReduceLROnPlateau, type TrackerOptions, type SaveModelOptions, type EarlyStoppingOptions, type ReduceLROnPlateauOptions } from './learner/trackers.js';
export { CSVLogger } from './learner/csvLogger.js';
export type { PlotLossOptions } from './learner/lossPlot.js';
export { errorRate, accuracy, type Metric } from './learner/metrics.js';
export { loadLearner, InferenceLearner } from './learner/checkpoint.js';
export { ClassificationInterpretation } from './learner/interpretation.js';
export type { LrFindOptions, LrFindResult, LrSuggestions } from './learner/lrFind.js';
export type { Prediction, ImageSource } from './learner/predict.js';
export { parseSafetensors, serializeSafetensors, toFloat32, type SafetensorsFile, type DType } from './io/safetensors.js';
export { parsePth, type PthFile } from './io/pth.js';
export { TORCHVISION_WEIGHTS, TORCHVISION_BASE_URL, WeightsUnavailableError } from './learner/pretrained.js';
// Non-image data as images: sound, time series and bytes (src/convert/).
export * from './convert/index.js';
export type { AdapterReport } from './gpu/device.js';
export type { DebugOptions } from './gpu/runtime.js';
export { opFamily, type KernelTime } from './gpu/profiler.js';
export { measurePeak, type Peak } from './gpu/peak.js';
export { convLadder, convRung, type ConvRung, type ConvRungName, type ConvDirection } from './ops/convLadder.js';
export { convGeometry, convFlops, type ConvGeometry, type Conv2dOptions } from './ops/convGeometry.js';
// Used by the studio (studio/) and `wgslnet profile`: labels, kernel sources, the conv reference,
// per-kernel profiles of a training step, and wall-clock kernel timing without timestamps.
export { parentLabel, fileName } from './data/splitters.js';
export { regexLabel } from './data/dataLoaders.js';
export { shaderText as kernelSource, shaderFiles as kernelFiles } from './gpu/shaderStore.js';
export { formatTime } from './learner/progress.js';
export * as convReference from './reference/conv.js';
export { profileStep, hasTimestamps, type StepProfile, type StepProfileOptions, type StepMode, type Timing } from './profile/step.js';
export { kernelRows, formatKernelTable, type KernelRow } from './profile/table.js';
export type { WallClockOptions } from './gpu/wallClock.js';

export interface InitOptions {
  /** The WebGPU entry object; defaults to navigator.gpu (the Node entry passes Dawn's). */
  gpu?: GPU;
  /** Shader sources keyed by path under shaders/ (the platform entries supply them). */
  shaders?: Iterable<[string, string]>;
  powerPreference?: GPUPowerPreference;
  debug?: Partial<DebugOptions>;
}

export interface Engine {
  adapter: AdapterReport;
  /** One line: adapter name, software or not, features. */
  description: string;
}

/** Acquires a device and makes it current. Calling it again returns the existing engine. */
export async function initWith(opts: InitOptions = {}): Promise<Engine> {
  if (opts.shaders) addShaderTexts(opts.shaders);
  if (!hasRuntime()) {
    const gpu = opts.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    setRuntime(new Runtime(await acquireDevice(gpu, opts.powerPreference)));
  }
  const rt = runtime();
  Object.assign(rt.debug, opts.debug ?? {});
  const fromEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.WGSLNET_DEBUG;
  if (fromEnv) rt.debug.logDispatches = true;
  return { adapter: rt.adapter, description: rt.describe() };
}

/** Turns debug switches on or off (dispatch log, NaN-poisoned outputs, one submit per op). */
export function setDebug(opts: Partial<DebugOptions>): void {
  Object.assign(runtime().debug, opts);
}

/** Submits recorded work and waits for the GPU; throws any error it reported. */
export async function sync(): Promise<void> {
  await runtime().sync();
}

/** Releases the device. Tensors become unusable. */
export function shutdown(): void {
  if (hasRuntime()) {
    runtime().destroy();
    setRuntime(null);
  }
}

/**
 * Times every kernel fn dispatches on the GPU's own clock (timestamp queries) and returns the
 * totals per op and kernel file, slowest first: `for (const k of await profile(step)) …`.
 */
export async function profile(fn: () => unknown): Promise<KernelTime[]> {
  return runtime().profile(fn);
}

/**
 * Times every kernel fn dispatches without GPU timestamps: fn runs once while its dispatches are
 * recorded, then each is replayed alone on scratch buffers and timed on the host's clock. For
 * adapters without 'timestamp-query'; coarser than profile().
 */
export async function profileWallClock(fn: () => unknown, opts?: WallClockOptions): Promise<KernelTime[]> {
  return wallClock(runtime(), fn, opts);
}

/** Low-level counters (dispatches, submits, uniform buffers, bind groups) for tests and profiling. */
export function counters(): Readonly<Runtime['counters']> {
  return { ...runtime().counters };
}
