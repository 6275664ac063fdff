// File types from their bytes alone → resnet18, on this Debian machine's own files, split by
// Debian package (no package has files on both sides). Seven kinds: ELF shared objects, gzip-
// compressed documentation, PNG icons, gettext .mo catalogues, Perl modules, Python sources and C
// headers. Each file is drawn as Nataraj et al.'s gray image (width from the file size), resized
// to 64 × 64. Packages come from dpkg's own file lists (/var/lib/dpkg/info/*.list, what dpkg -S reads).
//   npx tsx bench/convert/fileTypes.ts [--per-class 150] [--epochs 10] [--lr 3e-3] [--out bench/out]

import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bytesImage, init } from '../../src/node/index.js';
import { Rng } from '../../src/tensor/random.js';
import { exampleGrid, groupSplitter, load, train, type Item } from './common.js';

const { values } = parseArgs({ options: { 'per-class': { type: 'string' }, epochs: { type: 'string' }, lr: { type: 'string' }, bs: { type: 'string' }, out: { type: 'string' } } });
const perClass = Number(values['per-class'] ?? 150);
const out = values.out ?? 'bench/out';
const PER_PACKAGE = 6; // so a few big packages cannot fill a class

const magic = (bytes: number[]) => (b: Uint8Array) => bytes.every((v, i) => b[i] === v);
/** Each kind: which of dpkg's files it takes (by path), and the magic bytes they must start with. */
const KINDS: { label: string; path: RegExp; check?: (b: Uint8Array) => boolean }[] = [
  { label: 'elf_shared_object', path: /\.so(\.\d+)*$/, check: magic([0x7f, 0x45, 0x4c, 0x46]) },
  { label: 'gzip_doc', path: /^\/usr\/share\/doc\/.*\.gz$/, check: magic([0x1f, 0x8b]) },
  { label: 'png_image', path: /\.png$/, check: magic([0x89, 0x50, 0x4e, 0x47]) },
  { label: 'mo_catalogue', path: /\.mo$/, check: (b) => magic([0xde, 0x12, 0x04, 0x95])(b) || magic([0x95, 0x04, 0x12, 0xde])(b) },
  { label: 'perl_module', path: /\.pm$/ },
  { label: 'python_source', path: /\.py$/ },
  { label: 'c_header', path: /^\/usr\/include\/.*\.h$/ },
];

/** package → its files, from dpkg's file lists (what dpkg -S reads). */
function dpkgFiles(): Map<string, string[]> {
  const files = new Map<string, string[]>();
  const dir = '/var/lib/dpkg/info';
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.list')).sort()) {
    const pkg = f.slice(0, -5).replace(/:.*$/, '');
    files.set(pkg, [...(files.get(pkg) ?? []), ...readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean)]);
  }
  return files;
}

/** A regular file (not a link, not a folder) of 64 B to 4 MB. */
function usable(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() && st.size >= 64 && st.size <= 4 << 20;
  } catch {
    return false;
  }
}

const t0 = performance.now();
const owned = dpkgFiles();
const rng = new Rng(2011);
const items: Item[] = [];
for (const kind of KINDS) {
  const pkgs = [...owned.keys()].filter((p) => owned.get(p)!.some((f) => kind.path.test(f)));
  for (let i = pkgs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pkgs[i], pkgs[j]] = [pkgs[j]!, pkgs[i]!];
  }
  let taken = 0;
  for (const pkg of pkgs) {
    const list = owned.get(pkg)!.filter((f) => kind.path.test(f) && usable(f));
    for (let k = 0; k < PER_PACKAGE && list.length && taken < perClass; ) {
      const f = list.splice(rng.int(list.length), 1)[0]!;
      const bytes = readFileSync(f);
      if (kind.check && !kind.check(bytes)) continue;
      items.push({ name: `${kind.label}${f}`, image: bytesImage(bytes, f, { size: 64 }), label: kind.label, group: pkg });
      taken++;
      k++;
    }
    if (taken >= perClass) break;
  }
  console.log(`${kind.label}: ${taken} files from ${new Set(items.filter((i) => i.label === kind.label).map((i) => i.group)).size} packages`);
}
console.log(`drew ${items.length} files as 64×64 byte images in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const engine = await init();
console.log(`GPU: ${engine.description}; load average ${load()}`);
await exampleGrid(items, 8, join(out, 'file-types-examples.png'));
const r = await train(items, { splitter: groupSplitter(items, 0.2, 5), epochs: Number(values.epochs ?? 10), lr: Number(values.lr ?? 3e-3), bs: Number(values.bs ?? 32), seed: 42 });
console.log(`file types: error_rate ${r.error.toFixed(4)} on ${r.valid} files of unseen packages (chance ${(1 - 1 / r.classes).toFixed(3)}); training ${(r.seconds / 60).toFixed(1)} min; load average ${load()}`);
