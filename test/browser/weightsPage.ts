// Runs in the page (see test/browser-weights.test.ts): pretrained weights in a browser — downloaded
// from a URL, SHA-256-checked with crypto.subtle and kept in the Cache Storage; torchvision's default
// found there; a File the user picked; a .pth loaded into a module.

import { ImageDataLoaders, init, nn, Resize, resnet18, visionLearner, type VisionLearner } from '../../src/browser/index.js';
import { CACHE_NAME, cacheKeyOf } from '../../src/browser/weightStore.js';

// The file picker the test fills with Playwright's setInputFiles, as a user's click would.
const picker = Object.assign(document.createElement('input'), { type: 'file', id: 'weights' });
document.body.append(picker);

const lines: string[] = [];
const output = { line: (s: string) => lines.push(s), status: () => {} };

async function conv1Values(learn: VisionLearner): Promise<number[]> {
  return [...new Set(await learn.model.body.conv1.weight.toArray())].slice(0, 3);
}
const cachedNames = async () => (await (await caches.open(CACHE_NAME)).keys()).map((r) => decodeURIComponent(r.url.split('/').at(-1)!));

/** Each step's result, for the test to check: conv1's distinct values (one when loaded from the constant file). */
async function runWeightChecks(o: { images: string[]; name: string; tv: string }) {
  await init();
  await caches.delete(CACHE_NAME);
  const dls = ImageDataLoaders.fromLists('', o.images, o.images.map((u) => u.split('/').at(-1)!.split('_')[0]!), { validPct: 0, bs: o.images.length, itemTfms: [Resize(8)] });
  const learner = async (opts: Parameters<typeof visionLearner>[2]) => {
    const l = visionLearner(dls, resnet18, { output, ...opts });
    let error = '';
    try {
      await l.waitReady();
    } catch (e) {
      error = (e as Error).message;
    }
    const r = { conv1: await conv1Values(l), frozen: !l.model.body.conv1.weight.requiresGrad, normalized: Boolean(l.dls.batchTfms.normalize), error };
    l.dispose();
    return r;
  };
  const out: Record<string, unknown> = {};
  out.fromUrl = await learner({ pretrained: `/files/${o.name}` });
  out.cachedAfterUrl = await cachedNames();
  out.fromCache = await learner({ pretrained: `/files/${o.name}` }); // the test checks the server saw one request
  out.wrongHash = await learner({ pretrained: `/files/${o.tv}` });
  out.cachedAfterWrongHash = await cachedNames();
  const before = lines.length;
  out.defaultUnavailable = await learner({ weightsUrl: '/missing' });
  out.defaultLines = lines.slice(before);
  // A PyTorch user's copy of torchvision's file, put in the cache by hand: the default finds it.
  const bytes = new Uint8Array(await (await fetch(`/files/${o.name}`)).arrayBuffer());
  await (await caches.open(CACHE_NAME)).put(cacheKeyOf(o.tv), new Response(bytes));
  out.defaultFromCache = await learner({ weightsUrl: '/missing' });
  // A File the user picked (the test sets it on the <input type=file>).
  const picked = picker.files![0]!;
  out.picked = await learner({ pretrained: picked });
  // Module.loadPth on bytes: a nested checkpoint into torch.nn's layout.
  const tiny = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1, bias: true }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3));
  const said: string[] = [];
  out.tinyKeys = (await tiny.loadPth(new Uint8Array(await (await fetch('/fixtures/nested_state_dict.pth')).arrayBuffer()), { log: (s) => said.push(s) })).length;
  out.tinySaid = said;
  out.tinyLinear = Array.from(await tiny.stateDict().get('5.bias')!.toArray());
  tiny.dispose();
  return out;
}

Object.assign(globalThis, { runWeightChecks });
