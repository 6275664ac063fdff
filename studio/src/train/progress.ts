// The live part of a fit: a progress bar with the step count and ETA, fastai's epoch table as HTML
// (one table per fit, as fastai prints one per fit_one_cycle), and the loss chart.

import { clock, fill, h } from '../ui/dom.js';
import { lineChart } from '../ui/lineChart.js';
import type { FitStart, RowEvent, StepEvent } from './protocol.js';

export class FitView {
  readonly el: HTMLElement;
  private bar = h('progress', { id: 'progress', max: 1, value: 0 });
  private text = h('span', { id: 'progress-text', class: 'mono' }, 'not started');
  private tables = h('div', { id: 'fit-tables' });
  private chart = h('div', { id: 'loss-chart' });
  private current: HTMLTableSectionElement | null = null;
  private train: [number, number][] = [];
  private valid: [number, number][] = [];
  private t0 = 0;
  private stepsBefore = 0;
  private drawPending = false;

  constructor() {
    this.el = h('div', { class: 'fit-view' }, h('div', { class: 'progress-line' }, this.bar, this.text), h('div', { class: 'fit-columns' }, this.tables, this.chart));
    this.draw();
  }

  /** A new run clears everything; a continued run keeps the chart and adds to it. */
  start(s: FitStart, keepHistory: boolean): void {
    if (!keepHistory) {
      this.train = [];
      this.valid = [];
      fill(this.tables);
    }
    this.stepsBefore = this.train.length ? this.train[this.train.length - 1]![0] : 0;
    this.t0 = performance.now();
    this.bar.max = Math.max(1, s.totalSteps);
    this.bar.value = 0;
    this.text.textContent = `0/${s.totalSteps} steps · ${s.trainImages} training, ${s.validImages} validation images · ${s.stepsPerEpoch} steps per epoch`;
    this.draw();
  }

  step(e: StepEvent): void {
    const elapsed = (performance.now() - this.t0) / 1000;
    const left = (elapsed / e.step) * (e.totalSteps - e.step);
    this.bar.value = e.step;
    this.text.textContent = `${e.step}/${e.totalSteps} steps · ${clock(elapsed)} elapsed · ${clock(left)} left · loss ${e.smooth.toFixed(4)}`;
    this.train.push([this.stepsBefore + e.step, e.smooth]);
    this.scheduleDraw();
  }

  header(cols: string[]): void {
    const t = h('table', { class: 'fit-table' }, h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', {}, c)))));
    this.current = h('tbody');
    t.append(this.current);
    this.tables.append(t);
  }

  row(r: RowEvent): void {
    this.current?.append(h('tr', {}, ...r.cells.map((c) => h('td', {}, c))));
    if (Number.isFinite(r.validLoss)) this.valid.push([this.stepsBefore + r.step, r.validLoss]);
    this.scheduleDraw();
  }

  /** The closing line; a fit stopped before its first epoch ended says so in its (empty) table. */
  finish(text: string, stopped = false): void {
    this.text.textContent = text;
    if (stopped && this.current && !this.current.rows.length) {
      const cols = this.current.parentElement!.querySelectorAll('th').length;
      this.current.append(h('tr', {}, h('td', { colspan: cols, class: 'muted' }, 'stopped before this fit’s first epoch ended')));
    }
  }

  /** Points drawn so far (the tests read these through the DOM's dots and polyline). */
  get counts(): { train: number; valid: number } {
    return { train: this.train.length, valid: this.valid.length };
  }

  private scheduleDraw(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  private draw(): void {
    fill(
      this.chart,
      lineChart(
        [
          { name: 'training loss (smoothed, per step)', points: this.train, color: '#1f77b4' },
          { name: 'validation loss (per epoch)', points: this.valid, color: '#e3700b', dots: true },
        ],
        { xLabel: 'step', yLabel: 'loss' },
      ),
    );
    this.chart.dataset.trainPoints = String(this.train.length);
    this.chart.dataset.validPoints = String(this.valid.length);
  }
}
