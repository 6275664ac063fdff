// lrFind's suggestions against fastai's own algorithms: fixed loss curves (a full run, one stopped
// early, one that turned NaN, a short noisy one) and the valley / minimum / steep that fastai's
// code gives for them, computed by scripts/fixtures/make_lr_find_fixture.py (which follows
// fastai/callback/schedule.py line for line) and committed. No GPU: these are pure functions.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minimum, steep, suggestLrs, valley } from '../src/learner/lrFind.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/lr-find.json', import.meta.url), 'utf8')) as {
  cases: { name: string; numIt: number; lrs: number[]; losses: (number | null)[]; valley: number; minimum: number; steep: number }[];
};

/** fastai computes in float32: its lrs differ from ours in the 8th digit. */
const close = (got: number, want: number) => expect(Math.abs(got - want) / want).toBeLessThan(1e-6);

describe("lrFind's suggestions match fastai's", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const losses = c.losses.map((v) => v ?? NaN);
      const s = suggestLrs(c.lrs, losses, c.numIt);
      close(s.valley, c.valley);
      close(s.minimum, c.minimum);
      close(s.steep, c.steep);
    });
  }

  it('the three disagree on these curves, so a swapped or off-by-one suggestion shows', () => {
    for (const c of fx.cases) expect(new Set([c.valley, c.minimum, c.steep]).size, c.name).toBe(3);
    // By hand, fastai's way. valley: the longest decreasing run is indices 0…5 (6 long); fastai takes
    // max_start = 5 − 6 = −1, sections = (5 − (−1))/3 = 2, index −1 + 2 + 1 = 2. minimum: a tenth of
    // the lr at the lowest loss (index 5). steep: the steepest fall is from index 1 to 2.
    const lrs = [1, 2, 4, 8, 16, 32, 64];
    const losses = [9, 8, 6, 5, 4.5, 4.4, 7];
    expect(valley(lrs, losses)).toBe(4);
    expect(minimum(lrs, losses)).toBe(3.2);
    expect(steep(lrs, losses)).toBe(2);
  });
});
