// Non-image data as images (fastbook: "if the eye can tell the classes apart, a model can"):
// sound → log-mel spectrograms, time series → Gramian / Markov / recurrence images, bytes → gray
// images. The heavy maths are WGSL kernels (shaders/signal/); everything here runs in Node and in
// a browser alike. Reading files and folders is src/node/convertFiles.ts.

export { fft, fftRadices } from './fft.js';
export { readWav, toMono, encodeWav, type Wav } from './wav.js';
export { resample, type ResampleOptions } from './resample.js';
export { hzToMel, melToHz, melFilterbank, hannWindow, type MelScale, type FilterbankOptions } from './mel.js';
export { melSpectrograms, resolveMelOptions, type MelOptions, type Spectrogram } from './spectrogram.js';
export { soundImages, signalImages, prepareSound, spectrogramImage, IMAGE_TOP_DB, type SoundImageOptions } from './sound.js';
export { seriesImages, seriesFields, SERIES_METHODS, type SeriesMethod, type SeriesImageOptions } from './seriesImages.js';
export { parseSeriesCsv, parseSeriesFile, type CsvSeries } from './seriesText.js';
export { bytesImage, natarajWidth, NATARAJ_WIDTHS, type BytesImageOptions } from './bytes.js';
