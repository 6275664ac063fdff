// What the Train tab and its worker say to each other (besides the method names in worker.ts).

export interface Item {
  /** Where the worker fetches the image: a blob: URL of a picked file, or the sample's URL. */
  url: string;
  /** The path the user knows: folder/…/file.png (labels are taken from it). */
  name: string;
}

export type LabelRule = { kind: 'folder' } | { kind: 'regex'; pattern: string } | { kind: 'pets' };

export type Method = 'fineTune' | 'fitOneCycle';

export interface TrainOptions {
  rule: LabelRule;
  /** Validation share, 0 ≤ validPct < 1. */
  validPct: number;
  seed: number;
  arch: string;
  size: number;
  bs: number;
  epochs: number;
  lr: number;
  method: Method;
  aug: boolean;
  /** torchvision weights for the body (safetensors bytes), or null. */
  pretrained: Uint8Array | null;
}

export interface DataReport {
  good: number;
  bad: { name: string; error: string }[];
}

export interface LabelReport {
  counts: [string, number][];
}

export interface FitStart {
  totalSteps: number;
  trainImages: number;
  validImages: number;
  stepsPerEpoch: number;
}

export interface StepEvent {
  step: number;
  totalSteps: number;
  loss: number;
  smooth: number;
}

export interface RowEvent {
  cells: string[];
  step: number;
  validLoss: number;
}

export interface FitEnd {
  stopped: boolean;
  steps: number;
  /** Epochs finished in this run (the last-epoch download holds the latest). */
  epochs: number;
}

export interface LrFound {
  lrs: number[];
  losses: number[];
  valley: number;
  minimum: number;
  steep: number;
}

export interface Results {
  vocab: string[];
  confusion: number[][];
  top: { item: string; predicted: string; actual: string; loss: number; prob: number }[];
  batchPng: Uint8Array;
  errorRate: number;
}

export interface PredictionReport {
  label: string;
  vocab: string[];
  probs: number[];
}

export type Download = 'learner' | 'body' | 'checkpoint' | 'last-epoch';

export interface LoadedReport {
  kind: 'checkpoint' | 'learner';
  arch: string;
  vocab: string[] | null;
  /** True when the file's learner can keep training on the loaded data. */
  trainable: boolean;
}

/** The item's display name: what follows '#' in its URL. */
export const itemName = (item: string): string => decodeURI(item.slice(item.indexOf('#') + 1));
