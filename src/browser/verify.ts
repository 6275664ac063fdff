// fastai's verify_images for a page: decode every image once (createImageBitmap) and report the
// ones that fail, so a page can name and skip them before training (the Node entry's verifyImages
// does the same with its decoders).

import { browserImageIO } from './images.js';

/** The sources (URLs, blob: URLs included) that do not load or decode, each with the reason. */
export async function verifyImages(sources: string[], onProgress?: (done: number, total: number) => void): Promise<{ file: string; error: string }[]> {
  const bad: { file: string; error: string }[] = [];
  const chunk = 32;
  for (let s = 0; s < sources.length; s += chunk) {
    await Promise.all(
      sources.slice(s, s + chunk).map((source) =>
        browserImageIO.load([{ source, tfms: [], seed: 0, train: false }]).catch((e: Error) => {
          bad.push({ file: source, error: e.message });
        }),
      ),
    );
    onProgress?.(Math.min(s + chunk, sources.length), sources.length);
  }
  return bad.sort((a, b) => sources.indexOf(a.file) - sources.indexOf(b.file));
}
