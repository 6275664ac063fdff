// File types from their bytes alone → resnet18, on this Debian machine's own files, split by
// Debian package (no package has files on both sides). Seven kinds: ELF shared objects, gzip-
// compressed documentation, PNG icons, gettext .mo catalogues, Perl modules, Python sources and C
// headers. Each file is drawn as Nataraj et al.'s gray image (width from the file size), resized
// to 64 × 64. Packages come from dpkg's own file lists (/var/lib/dpkg/info/*.list, what dpkg -S reads).
//   npx tsx bench/convert/fileTypes.ts [--per-class 150] [--epochs 6] [--lr 3e-3] [--out bench/out]

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
const KINDS: { label: string; dirs: string[]; name: RegExp; check?: (b: Uint8Array) => boolean }[] = [
  { label: 'elf_shared_object', dirs: ['/usr/lib/x86_64-linux-gnu', '/usr/lib'], name: /\.so(\.\d+)*$/, check: magic([0x7f, 0x45, 0x4c, 0x46]) },
  { label: 'gzip_doc', dirs: ['/usr/share/doc'], name: /\.gz$/, check: magic([0x1f, 0x8b]) },
  { label: 'png_icon', dirs: ['/usr/share/icons', '/usr/share/pixmaps'], name: /\.png$/, check: magic([0x89, 0x50, 0x4e, 0x47]) },
  { label: 'mo_catalogue', dirs: ['/usr/share/locale'], name: /\.mo$/ },
  { label: 'perl_module', dirs: ['/usr/share/perl', '/usr/share/perl5', '/usr/lib/x86_64-linux-gnu/perl', '/usr/lib/x86_64-linux-gnu/perl5', '/usr/lib/x86_64-linux-gnu/perl-base'], name: /\.pm$/ },
  { label: 'python_source', dirs: ['/usr/lib/python3', '/usr/lib/python3.11'], name: /\.py$/ },
  { label: 'c_header', dirs: ['/usr/include'], name: /\.h$/ },
];

/** path → package, from dpkg's file lists. */
function packageOfFiles(): Map<string, string> {
  const owner = new Map<string, string>();
  const dir = '/var/lib/dpkg/info';
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.list'))) {
    const pkg = f.slice(0, -5).replace(/:.*$/, '');
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) if (line) owner.set(line, pkg);
  }
  return owner;
}

function walk(dir: string, re: RegExp, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, re, out);
    else if (e.isFile() && re.test(e.name)) out.push(p);
  }
}

const t0 = performance.now();
const owner = packageOfFiles();
const rng = new Rng(2011);
const items: Item[] = [];
const seen = new Set<string>();
for (const kind of KINDS) {
  const files: string[] = [];
  for (const d of kind.dirs) walk(d, kind.name, files);
  // Group by package; only regular files dpkg knows, 64 B to 4 MB.
  const byPkg = new Map<string, string[]>();
  for (const f of files.sort()) {
    const pkg = owner.get(f);
    if (!pkg || seen.has(f)) continue;
    const size = lstatSync(f).size;
    if (size < 64 || size > 4 << 20) continue;
    byPkg.set(pkg, [...(byPkg.get(pkg) ?? []), f]);
  }
  const pkgs = [...byPkg.keys()].sort();
  for (let i = pkgs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pkgs[i], pkgs[j]] = [pkgs[j]!, pkgs[i]!];
  }
  let taken = 0;
  for (const pkg of pkgs) {
    const list = byPkg.get(pkg)!;
    for (let k = 0; k < PER_PACKAGE && list.length && taken < perClass; k++) {
      const f = list.splice(rng.int(list.length), 1)[0]!;
      const bytes = readFileSync(f);
      if (kind.check && !kind.check(bytes)) continue;
      seen.add(f);
      items.push({ name: `${kind.label}${f}`, image: bytesImage(bytes, f, { size: 64 }), label: kind.label, group: pkg });
      taken++;
    }
    if (taken >= perClass) break;
  }
  console.log(`${kind.label}: ${taken} files from ${new Set(items.filter((i) => i.label === kind.label).map((i) => i.group)).size} packages`);
}
console.log(`drew ${items.length} files as 64×64 byte images in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const engine = await init();
console.log(`GPU: ${engine.description}; load average ${load()}`);
await exampleGrid(items, 8, join(out, 'file-types-examples.png'));
const r = await train(items, { splitter: groupSplitter(items, 0.2, 5), epochs: Number(values.epochs ?? 6), lr: Number(values.lr ?? 3e-3), bs: Number(values.bs ?? 32), seed: 42 });
console.log(`file types: error_rate ${r.error.toFixed(4)} on ${r.valid} files of unseen packages (chance ${(1 - 1 / r.classes).toFixed(3)}); training ${(r.seconds / 60).toFixed(1)} min; load average ${load()}`);
