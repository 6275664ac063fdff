// Where the images come from: a folder picked with <input webkitdirectory>, a folder (or files)
// dropped on the page, or the Fashion-MNIST sample that ships with the site. Files are sorted into
// images (by extension; the worker then decodes each one) and the rest, which are skipped by name.

import type { Item } from './protocol.js';

export interface Picked {
  /** Candidate images, as blob: or site URLs with the path the user knows. */
  items: Item[];
  /** Files that are not images, by path. */
  notImages: string[];
  /** Where they came from, for the status line. */
  source: string;
}

const IMAGE = /\.(png|jpe?g|gif|webp|bmp)$/i;

let urls: string[] = [];

/** Blob URLs of the previous pick are released when a new one replaces it. */
function fromFiles(files: { file: File; path: string }[], source: string): Picked {
  for (const u of urls) URL.revokeObjectURL(u);
  urls = [];
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const items: Item[] = [];
  const notImages: string[] = [];
  for (const { file, path } of sorted) {
    if (!IMAGE.test(path)) {
      notImages.push(path);
      continue;
    }
    const url = URL.createObjectURL(file);
    urls.push(url);
    items.push({ url, name: path });
  }
  return { items, notImages, source };
}

/** The files of <input type=file webkitdirectory>: each knows its path below the picked folder. */
export function fromInput(list: FileList): Picked {
  const files = Array.from(list).map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  const root = files[0]?.path.split('/')[0] ?? 'the folder';
  return fromFiles(files, `${root} (picked)`);
}

async function readAll(entry: FileSystemEntry, out: { file: File; path: string }[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    out.push({ file, path: entry.fullPath.replace(/^\//, '') });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns the folder in chunks (100 at a time in Chrome) until it returns none.
  for (;;) {
    const chunk = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (!chunk.length) break;
    for (const e of chunk) await readAll(e, out);
  }
}

/** A drop of folders and/or files (their paths keep the dropped folder's name first). */
export async function fromDrop(dt: DataTransfer): Promise<Picked> {
  const entries = Array.from(dt.items).map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const files: { file: File; path: string }[] = [];
  for (const e of entries) await readAll(e, files);
  const names = entries.map((e) => e.name);
  return fromFiles(files, `${names.length === 1 ? names[0] : `${names.length} items`} (dropped)`);
}

/** The bundled sample: `perClass` images of each of the first `classes` classes (in name order). */
export async function fromSample(perClass: number, classes: number): Promise<Picked> {
  const r = await fetch('sample/fashion/index.json');
  if (!r.ok) throw new Error(`the sample's index is missing from this site (HTTP ${r.status}); rebuild it with npm run build:studio`);
  const names: string[] = await r.json();
  const byClass = new Map<string, string[]>();
  for (const n of names) {
    const c = n.replace(/_\d+\.png$/, '');
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(n);
  }
  const chosen = [...byClass.keys()].sort().slice(0, classes).flatMap((c) => byClass.get(c)!.slice(0, perClass));
  const items = chosen.map((n) => ({ url: new URL(`sample/fashion/${n}`, location.href).href, name: `fashion-sample/${n}` }));
  return { items, notImages: [], source: 'the Fashion-MNIST sample' };
}
