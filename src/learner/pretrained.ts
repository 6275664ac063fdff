// Pretrained weights for visionLearner, as fastai gets them: torchvision's DEFAULT ImageNet
// weights for the architecture (V1 for ResNet-18/34, V2 for ResNet-50/101/152), looked up in
// order in wgslnet's cache, in PyTorch's hub cache, then downloaded (from torchvision, or the
// mirror in WGSLNET_WEIGHTS_URL) and checked against the SHA-256 prefix in the file name.
// Or the file `pretrained` names: a path, a URL (downloaded and cached the same way), bytes, or a
// File the user picked in a browser. `.pth` and `.safetensors` are told apart by their bytes.

import { WgslnetError } from '../gpu/errors.js';
import { DownloadError, fileNameOf, hashPrefixOf } from '../io/download.js';
import { readBytes } from '../io/platform.js';
import { isPth, parsePth } from '../io/pth.js';
import { parseSafetensors, type TensorEntry } from '../io/safetensors.js';
import { weightStore } from '../io/weightStore.js';
import { progressBar, type Output } from './recorder.js';

/** torchvision's DEFAULT weights (models/resnet.py): the file names carry their SHA-256 prefixes. */
export const TORCHVISION_WEIGHTS: Record<string, { file: string; weights: string }> = {
  resnet18: { file: 'resnet18-f37072fd.pth', weights: 'ResNet18_Weights.IMAGENET1K_V1' },
  resnet34: { file: 'resnet34-b627a593.pth', weights: 'ResNet34_Weights.IMAGENET1K_V1' },
  resnet50: { file: 'resnet50-11ad3fa6.pth', weights: 'ResNet50_Weights.IMAGENET1K_V2' },
  resnet101: { file: 'resnet101-cd907fc2.pth', weights: 'ResNet101_Weights.IMAGENET1K_V2' },
  resnet152: { file: 'resnet152-f82ba261.pth', weights: 'ResNet152_Weights.IMAGENET1K_V2' },
};
export const TORCHVISION_BASE_URL = 'https://download.pytorch.org/models/';

/** What `pretrained` may be: true (torchvision's DEFAULT), a path or URL, bytes, or a picked File. */
export type PretrainedSource = true | string | Uint8Array | ArrayBuffer | Blob;

export interface WeightsFile {
  /** Tensor entries with PyTorch's key names. */
  tensors: Map<string, TensorEntry>;
  /** Where they came from (a path or URL), for messages. */
  name: string;
}

/**
 * The weights are neither cached nor downloadable (offline, HTTP error, wrong hash). `what` says
 * which file and why; `hint` what a user without internet can do. With the default `pretrained`,
 * visionLearner says both in one line and goes on from random weights.
 */
export class WeightsUnavailableError extends WgslnetError {
  constructor(
    readonly what: string,
    readonly hint: string,
  ) {
    super(`${what}. ${hint}.`);
    this.name = 'WeightsUnavailableError';
  }
}

/** Origins whose server could not be reached in this process: later lookups skip the network. */
const unreachable = new Map<string, string>();

/** The weights `source` names, read and parsed. `baseUrl` overrides where torchvision's come from. */
export async function fetchPretrained(source: PretrainedSource, arch: string, o: { output: Output; baseUrl?: string }): Promise<WeightsFile> {
  if (source === true) return parseWeights(await torchvisionFile(arch, o), o.output);
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return parseWeights({ bytes: await readBytes(source), where: 'pretrained weights' }, o.output);
  if (typeof source !== 'string') {
    const name = (source as { name?: string }).name ?? 'picked file';
    return parseWeights({ bytes: new Uint8Array(await source.arrayBuffer()), where: name }, o.output);
  }
  const url = weightStore()?.urlOf(source) ?? null;
  if (!url) return parseWeights({ bytes: await readBytes(source), where: source }, o.output);
  return parseWeights(await findOrDownload(fileNameOf(url), url, o.output, ''), o.output);
}

/** torchvision's DEFAULT file for `arch`, from a cache or downloaded. */
async function torchvisionFile(arch: string, o: { output: Output; baseUrl?: string }) {
  const tv = TORCHVISION_WEIGHTS[arch];
  if (!tv) throw new WgslnetError(`${arch}: torchvision has no pretrained weights for it`);
  const base = o.baseUrl ?? weightStore()?.settings().baseUrl ?? TORCHVISION_BASE_URL;
  const url = `${base.replace(/\/?$/, '/')}${tv.file}`;
  return findOrDownload(tv.file, weightStore()?.urlOf(url) ?? url, o.output, ` (torchvision's ${tv.weights})`);
}

async function findOrDownload(file: string, url: string, output: Output, about: string) {
  const store = weightStore();
  const unavailable = (why: string) =>
    new WeightsUnavailableError(
      `${file}${about} is not in ${store?.cacheDirs().join(' or ') ?? 'any cache'} and cannot be downloaded from ${url} (${why})`,
      `To use it offline, ${store?.offlineHint(file) ?? 'pass the file\'s bytes'}`,
    );
  if (!store) throw unavailable('no file store on this platform');
  const found = await store.find(file);
  if (found) return found;
  let origin = '';
  try {
    origin = new URL(url).origin;
  } catch {
    throw unavailable('not an http(s) URL');
  }
  if (store.settings().offline) throw unavailable('WGSLNET_OFFLINE is set');
  if (unreachable.has(origin)) throw unavailable(`still offline: ${unreachable.get(origin)}`);
  const t0 = performance.now();
  const mb = (n: number) => Math.round(n / 1e5) / 10;
  let announced = false;
  try {
    const got = await store.download(url, file, {
      hashPrefix: hashPrefixOf(file),
      progress: (n, total) => {
        if (!announced) output.line(`downloading ${url}${total === null ? '' : ` (${mb(total)} MB)`} to ${store.cacheDirs()[0]}`);
        announced = true;
        output.status(progressBar(mb(n), total === null ? mb(n) : mb(total), (performance.now() - t0) / 1000, 'MB'));
      },
    });
    output.line(`downloaded ${file} (${mb(got.bytes.byteLength)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return got;
  } catch (e) {
    if (!(e instanceof DownloadError)) throw e;
    const why = e.message.replace(`${url}: `, '');
    if (e.network) unreachable.set(origin, why);
    throw unavailable(why);
  }
}

/** Safetensors or `.pth` (zip or legacy), by their first bytes. Says which key held a nested state dict. */
export function parseWeights(file: { bytes: Uint8Array; where: string }, output: Output): WeightsFile {
  if (!isPth(file.bytes)) return { tensors: parseSafetensors(file.bytes, file.where).tensors, name: file.where };
  const pth = parsePth(file.bytes, file.where);
  if (pth.stateKey) output.line(`${file.where}: using the state dict under '${pth.stateKey}'`);
  return { tensors: pth.tensors, name: file.where };
}
