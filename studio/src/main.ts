// The studio page: checks for WebGPU, starts the training worker, and builds the three tabs. The
// Profile and Convolution-lab tabs share a second worker, started the first time one is opened.
// URL switches: #train / #profile / #lab pick a tab; #kernel=<file> opens a kernel's source;
// ?timestamps=off makes the tools worker's device without 'timestamp-query' (the fallback path).

import { checkWebGpu } from './gpuCheck.js';
import { labTab } from './lab/tab.js';
import { profileTab } from './profile/tab.js';
import { WorkerClient } from './rpc.js';
import { trainTab } from './train/tab.js';
import { byId, fill, h } from './ui/dom.js';
import { showSource } from './ui/sourceView.js';

type Tab = 'train' | 'profile' | 'lab';

function selectTab(tab: Tab): void {
  for (const t of ['train', 'profile', 'lab'] as Tab[]) {
    byId(`panel-${t}`).hidden = t !== tab;
    byId(`tab-${t}`).setAttribute('aria-selected', String(t === tab));
  }
  document.body.dataset.tab = tab;
}

let toolsReady: Promise<{ client: WorkerClient; timestamps: boolean }> | null = null;

/** The tools worker, started on first use. */
function tools(): Promise<{ client: WorkerClient; timestamps: boolean }> {
  toolsReady ??= (async () => {
    const client = new WorkerClient(new Worker(new URL('./tools.worker.ts', import.meta.url), { type: 'module', name: 'wgslnet tools' }));
    const timestamps = new URLSearchParams(location.search).get('timestamps') !== 'off';
    const r = await client.call<{ timestamps: boolean }>('init', { timestamps });
    return { client, timestamps: r.timestamps };
  })();
  return toolsReady;
}

async function main(): Promise<void> {
  const check = await checkWebGpu();
  if (!check.ok) {
    byId('tabs').hidden = true;
    const box = byId('no-webgpu');
    fill(box, h('h2', {}, 'WebGPU is not available here'), h('p', { id: 'no-webgpu-reason' }, check.reason));
    box.hidden = false;
    return;
  }
  const train = new WorkerClient(new Worker(new URL('./train/worker.ts', import.meta.url), { type: 'module', name: 'wgslnet training' }));
  const adapter = byId('adapter');
  adapter.textContent = 'Starting the GPU…';
  train
    .call<{ adapter: string; software: boolean }>('init')
    .then((r) => {
      adapter.textContent = `GPU: ${r.adapter}`;
      if (r.software) adapter.append(h('span', { class: 'warn' }, ' — a software adapter: training is slow here (try image size 32 and the 500-image sample).'));
      document.body.dataset.ready = 'true';
    })
    .catch((e: Error) => {
      adapter.textContent = `The GPU did not start: ${e.message}`;
      adapter.className = 'error';
    });
  trainTab(byId('panel-train'), train);
  profileTab(byId('panel-profile'), tools);
  labTab(byId('panel-lab'), tools);
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('#tabs button'))) {
    b.addEventListener('click', () => {
      selectTab(b.dataset.tab as Tab);
      history.replaceState(null, '', `#${b.dataset.tab}`);
    });
  }
  const hash = location.hash.slice(1);
  const kernel = /^kernel=(.+)$/.exec(hash)?.[1];
  selectTab(kernel ? 'lab' : (['train', 'profile', 'lab'] as Tab[]).find((t) => t === hash) ?? 'train');
  if (kernel) {
    const file = decodeURIComponent(kernel);
    const { client } = await tools();
    showSource(file, await client.call<string>('source', file));
  }
}

void main();
