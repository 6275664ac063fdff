// The Profile tab: one training step (or forward pass) of a ResNet on random images, timed kernel
// by kernel (GPU timestamps, or wall-clock replay without them), as a sortable table; a row opens
// its kernel's WGSL source.

import type { KernelRow, Peak, StepProfile } from 'wgslnet';
import { FaultError, type WorkerClient } from '../rpc.js';
import { field, fill, h, numberInput, select } from '../ui/dom.js';
import { showSource } from '../ui/sourceView.js';

type Profiled = StepProfile & { rows: KernelRow[]; peak: Peak };
type Key = 'op' | 'kernel' | 'calls' | 'ms' | 'share' | 'gflops' | 'gbps' | 'peakFraction';

const COLUMNS: [Key, string][] = [
  ['op', 'op'],
  ['kernel', 'kernel file'],
  ['calls', 'calls'],
  ['ms', 'total ms'],
  ['share', 'share'],
  ['gflops', 'GFLOP/s'],
  ['gbps', 'GB/s'],
  ['peakFraction', '% of peak'],
];

export function profileTab(panel: HTMLElement, tools: () => Promise<{ client: WorkerClient; timestamps: boolean }>): void {
  const arch = select('p-arch', ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152'].map((a) => [a, a]), 'resnet18');
  const size = numberInput('p-size', 64, { min: 8, max: 512, step: 8 });
  const bs = numberInput('p-bs', 16, { min: 1, max: 512 });
  const mode = select('p-mode', [['train', 'one training step (forward, backward, Adam)'], ['forward', 'one forward pass (evaluation mode)']], 'train');
  const run = h('button', { id: 'run-profile', class: 'primary' }, 'Profile');
  const note = h('p', { id: 'timing-note', class: 'muted' });
  const summary = h('div', { id: 'profile-summary' });
  const table = h('div', { id: 'kernel-table-wrap' });
  let sortKey: Key = 'ms';
  let descending = true;
  let last: Profiled | null = null;

  fill(
    panel,
    h('h2', {}, 'What every kernel costs'),
    h('p', { class: 'muted' }, 'Profiles one step of a ResNet on random images after a warm-up step. Click a column to sort, a row to read its kernel’s WGSL source. The same table in a terminal: ', h('code', {}, 'wgslnet profile --arch resnet18 --size 64 --bs 16'), '.'),
    h('div', { class: 'row' }, field('architecture', arch), field('image size', size), field('batch size', bs), field('what', mode), run),
    note,
    summary,
    table,
  );

  const draw = () => {
    if (!last) return;
    const rows = [...last.rows].sort((a, b) => {
      const [u, v] = [a[sortKey], b[sortKey]];
      const c = typeof u === 'string' || typeof v === 'string' ? String(u).localeCompare(String(v)) : (u ?? -1) - (v ?? -1);
      return descending ? -c : c;
    });
    const cell = (v: number | null, digits: number, scale = 1) => (v === null ? '—' : (v * scale).toFixed(digits));
    fill(
      table,
      h(
        'table',
        { id: 'kernel-table', class: 'kernel-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...COLUMNS.map(([k, label]) =>
              h('th', { 'data-key': k, 'aria-sort': k === sortKey ? (descending ? 'descending' : 'ascending') : 'none', onclick: () => ((descending = k === sortKey ? !descending : typeof last!.rows[0]?.[k] !== 'string'), (sortKey = k), draw()) }, label, k === sortKey ? (descending ? ' ▼' : ' ▲') : ''),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              { 'data-kernel': r.kernel, title: `shaders/${r.kernel}: click for its source`, onclick: () => void openSource(r.kernel) },
              h('td', {}, r.op),
              h('td', {}, h('code', {}, r.kernel)),
              h('td', { class: 'num' }, String(r.calls)),
              h('td', { class: 'num' }, r.ms.toFixed(3)),
              h('td', { class: 'num' }, h('span', { class: 'share', style: `--share: ${(100 * r.share).toFixed(1)}%` }, `${(100 * r.share).toFixed(1)} %`)),
              h('td', { class: 'num' }, cell(r.gflops, 2)),
              h('td', { class: 'num' }, cell(r.gbps, 2)),
              h('td', { class: 'num' }, cell(r.peakFraction, 1, 100)),
            ),
          ),
        ),
      ),
    );
  };

  async function openSource(file: string): Promise<void> {
    const { client } = await tools();
    showSource(file, await client.call<string>('source', file));
  }

  run.addEventListener('click', async () => {
    run.disabled = true;
    fill(summary, h('p', { class: 'muted' }, 'Profiling: the adapter’s peak (first time only), a warm-up step, a timed step, then the profiled step…'));
    try {
      const { client, timestamps } = await tools();
      fill(
        note,
        timestamps
          ? 'Times are from the GPU’s own timestamps (timestamp-query), summed per op and kernel file. Chrome rounds each timestamp to 100 µs unless chrome://flags “WebGPU Developer Features” is on, so very short kernels can read as 0.'
          : h('span', { class: 'warn', id: 'no-timestamps' }, 'This adapter has no timestamp-query, so the GPU cannot time each kernel. Times shown are wall-clock instead: the step runs once while its dispatches are recorded, then each kernel is replayed alone on scratch buffers and timed from submit to completion, less an empty submit’s round trip. They are coarser, and include what the driver spends around each dispatch.'),
      );
      last = await client.call<Profiled>('profile', { arch: arch.value, size: Number(size.value), bs: Number(bs.value), mode: mode.value });
      const total = last.rows.reduce((s, r) => s + r.ms, 0);
      const calls = last.rows.reduce((s, r) => s + r.calls, 0);
      fill(
        summary,
        h('p', { id: 'profile-line' }, `${last.arch}, ${last.bs} images of ${last.size}×${last.size}: one ${last.mode === 'train' ? 'training step' : 'forward pass'} takes ${last.stepMs.toFixed(1)} ms wall-clock; the kernels sum to ${total.toFixed(1)} ms (${last.timing === 'gpu' ? 'GPU timestamps' : 'wall-clock replay'}) over ${calls} dispatches of ${new Set(last.rows.map((r) => r.kernel)).size} kernel files.`),
        last.timing === 'gpu' ? h('p', { class: 'muted' }, 'Profiling gives every dispatch its own timestamped pass, which costs some drivers extra time, so the kernels can sum to more than the unprofiled step; read the shares.') : null,
        h(
          'p',
          { id: 'peak-line', class: 'muted' },
          `This adapter’s measured peak: ${last.peak.gflops.toFixed(1)} GFLOP/s (vec4 FMA probe), ${last.peak.gflopsSpillFree.toFixed(1)} GFLOP/s (spill-free FMA probe), ${last.peak.gbps.toFixed(2)} GB/s (copy probe). GFLOP/s counts each kernel’s useful FLOPs (a kernel that only moves data has none: “—”); GB/s the bytes of the tensors it reads and writes; % of peak is the larger of the two against the higher FMA probe and the copy probe.`,
        ),
      );
      draw();
    } catch (e) {
      fill(summary, h('p', { class: 'error' }, `Profiling failed: ${e instanceof FaultError && e.fault.kind === 'oom' ? `out of GPU memory; try a smaller batch or image size. (${e.message})` : (e as Error).message}`));
    } finally {
      run.disabled = false;
    }
  });
}
