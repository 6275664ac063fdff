// fastai's CSVLogger: the table's header before the fit and one row per epoch (full-precision
// numbers, the time as mm:ss), in a CSV file. The file is rewritten whole after every row through
// the atomic writer, so it is never half-written; with `append`, a fit adds to what is there.

import { WgslnetError } from '../gpu/errors.js';
import { readBytes, writeBytes } from '../io/platform.js';
import { Callback } from './callback.js';
import type { Learner } from './learner.js';
import { formatTime } from './progress.js';

export class CSVLogger extends Callback {
  override order = 51; // after the Recorder has made the epoch's row
  private text = '';

  constructor(
    readonly fname = 'history.csv',
    readonly append = false,
  ) {
    super();
  }

  override async beforeFit(learn: Learner): Promise<void> {
    this.text = '';
    if (this.append) {
      try {
        this.text = new TextDecoder().decode(await readBytes(this.fname));
      } catch (e) {
        if (!(e instanceof WgslnetError && /no such file/.test(e.message))) throw e;
      }
    }
    if (this.text && !this.text.endsWith('\n')) this.text += '\n';
    await this.write(learn.recorder.metricNames.join(','));
  }

  override async afterEpoch(learn: Learner): Promise<void> {
    const row = learn.recorder.log;
    await this.write(row.map((v, i) => (i === row.length - 1 ? formatTime(v) : String(v))).join(','));
  }

  /** The file's contents so far. */
  get contents(): string {
    return this.text;
  }

  private async write(line: string): Promise<void> {
    this.text += line + '\n';
    await writeBytes(this.fname, new TextEncoder().encode(this.text));
  }
}
