// The wgslnet command as a user runs it (a child process running the sources through tsx; the
// compiled bin/wgslnet.mjs is run from an installed tarball in package.test.ts), and a crash in
// the middle of learn.save(): the previous checkpoint must survive.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSafetensors } from '../src/io/safetensors.js';
import { labelOf, sampleFiles } from './helpers/fashion.js';
import { MALFORMED_HEADERS, safetensorsWith } from './helpers/safetensors.js';
import { WGSLNET } from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
function wgslnet(...args: string[]) {
  const r = spawnSync(process.execPath, [...WGSLNET, ...args], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  // Dawn prints two warnings about dynamic-offset limits on every start; they are not ours. Where
  // sharp is not installed, the one-line notice that the JS decoder runs is kept apart.
  const lines = r.stderr.split('\n').filter((l) => l && !l.startsWith('Warning: maxDynamic'));
  const notices = lines.filter((l) => l.startsWith('wgslnet: sharp did not load'));
  return { status: r.status, stdout: r.stdout, stderr: lines.filter((l) => !notices.includes(l)).join('\n'), notices };
}

/** A folder of class folders: <dir>/<class>/<file>.png, from the shipped sample. */
function classFolders(classes: string[], perClass: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgslnet-cli-'));
  for (const f of sampleFiles(classes, perClass)) {
    const name = f.split('/').at(-1)!;
    mkdirSync(join(dir, labelOf(name)), { recursive: true });
    copyFileSync(f, join(dir, labelOf(name), name));
  }
  return dir;
}

describe('wgslnet CLI: bad input gets one line and a non-zero exit', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['no command', [], 2, /^usage: wgslnet <command>/],
    ['unknown option', ['train', 'x', '--nope'], 2, /Unknown option '--nope'/],
    ['missing folder', ['train', '/no/such/folder'], 1, /^wgslnet train: \/no\/such\/folder: no such folder$/],
    ['bad number', ['train', 'data', '--epochs', 'two'], 2, /--epochs must be a non-negative integer, got 'two'/],
    ['unknown arch', ['train', 'data', '--arch', 'vgg16'], 2, /--arch must be one of resnet18, .*, got 'vgg16'/],
    ['unknown decoder', ['train', 'data', '--decoder', 'libjpeg'], 2, /--decoder must be auto, sharp or js, got 'libjpeg'/],
    ['no workers', ['train', 'data', '--workers', '0'], 2, /--workers must be at least 1, got '0'/],
    ['unreadable weights', ['predict', 'README.md', 'data/fashion-sample/bag_00023.png'], 1, /^wgslnet predict: README\.md: not a valid safetensors file/],
    ['missing weights', ['predict', 'nope.safetensors', 'x.png'], 1, /^wgslnet predict: nope\.safetensors: cannot read \(no such file\)$/],
    ['unknown command', ['fly'], 2, /^wgslnet: unknown command 'fly'$/],
    ['--bs 0', ['train', 'data', '--bs', '0'], 2, /^wgslnet train: --bs must be a positive integer, got '0'$/],
    ['--size 0', ['train', 'data', '--size', '0'], 2, /^wgslnet train: --size must be a positive integer, got '0'$/],
    ['a negative --lr', ['train', 'data', '--lr=-0.1'], 2, /^wgslnet train: --lr must be a positive number, got '-0\.1'$/],
    ['a negative --epochs', ['train', 'data', '--epochs=-1'], 2, /^wgslnet train: --epochs must be a non-negative integer, got '-1'$/],
    ['a negative --bs, spaced', ['train', 'data', '--bs', '-4'], 2, /^wgslnet train: Option '--bs' argument is ambiguous/],
    ['--valid-pct 1', ['lr-find', 'data', '--valid-pct', '1'], 2, /^wgslnet lr-find: --valid-pct must be a fraction in \[0, 1\), got '1'$/],
    ['--num-it 0', ['lr-find', 'data', '--num-it', '0'], 2, /^wgslnet lr-find: --num-it must be a positive integer, got '0'$/],
    ['an invalid --label regex', ['train', 'data', '--label', 're:('], 2, /^wgslnet train: --label re:\(: not a valid regular expression \(.*\)$/],
    ['an unknown --label', ['train', 'data', '--label', 'colour'], 2, /^wgslnet train: --label must be folder, upper or re:<regex>, got 'colour'$/],
  ];
  it.each(cases)('%s', (_, args, status, message) => {
    const r = wgslnet(...args);
    expect(r.status).toBe(status);
    expect(r.stderr.split('\n')[0]).toMatch(message);
  });

  it('--help for each command prints its usage on stdout and exits 0', () => {
    for (const [args, first] of [[['--help'], 'usage: wgslnet <command>'], [['-h'], 'usage: wgslnet <command>'], [['train', '--help'], 'usage: wgslnet train <folder>'], [['predict', '-h'], 'usage: wgslnet predict <model.safetensors>'], [['lr-find', '--help'], 'usage: wgslnet lr-find <folder>']] as const) {
      const r = wgslnet(...args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout.slice(0, first.length)).toBe(first);
      expect(r.stderr).toBe('');
    }
    expect(wgslnet('train', '--help').stdout).toMatch(/--label folder\|upper\|re:<regex>[\s\S]*--aug/);
  });

  it('a malformed safetensors header is one line naming the file and the fault, not a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgslnet-st-cli-'));
    for (const [what, header, message] of MALFORMED_HEADERS.filter(([w]) => ['__metadata__ null', '__metadata__ a list', 'header a list', 'data_offsets of one number', 'begin after end'].includes(w))) {
      const file = join(dir, `${what.replace(/\W+/g, '_')}.safetensors`);
      writeFileSync(file, safetensorsWith(header));
      const r = wgslnet('predict', file, 'x.png');
      expect(r.status, what).toBe(1);
      expect(r.stderr.split('\n'), what).toHaveLength(1);
      expect(r.stderr, what).toMatch(new RegExp(`^wgslnet predict: .*${file.split('/').at(-1)!.replace('.', '\\.')}: not a valid safetensors file: ${message.source}`));
    }
  });

  it('no images, one class, corrupt files (named; --skip-bad skips and counts them)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'wgslnet-empty-'));
    writeFileSync(join(empty, 'notes.txt'), 'hi');
    expect(wgslnet('train', empty).stderr).toMatch(/no images \(\.png, \.jpg, \.jpeg\) in it or its subfolders/);
    const one = classFolders(['bag'], 4);
    const r1 = wgslnet('train', one);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(/every image has the label 'bag'; classification needs at least 2 classes/);
    const two = classFolders(['bag', 'trouser'], 4);
    writeFileSync(join(two, 'bag', 'broken.png'), readFileSync(join(two, 'bag', readdirSync(join(two, 'bag'))[0]!)).subarray(0, 50));
    const r2 = wgslnet('train', two);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/^wgslnet train: .*bag\/broken\.png: corrupt or truncated PNG .*; pass --skip-bad to leave them out$/);
    expect(r2.stderr.split('\n').length).toBe(1);
    expect(r2.notices.length).toBeLessThanOrEqual(1); // sharp missing: said once
    const r3 = wgslnet('train', two, '--decoder', 'js'); // the other decoder names it too
    expect(r3.stderr).toMatch(/^wgslnet train: .*bag\/broken\.png: corrupt or truncated PNG .*; pass --skip-bad to leave them out$/);
  });
});

describe('wgslnet CLI: train, predict, lr-find', () => {
  it('train on class folders exports a model that predict uses', () => {
    const dir = classFolders(['trouser', 'bag'], 24);
    writeFileSync(join(dir, 'bag', 'broken.png'), 'not a png');
    const out = join(dir, 'model.safetensors');
    const r = wgslnet('train', dir, '--size', '16', '--bs', '8', '--epochs', '1', '--skip-bad', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/skipped 1 unreadable image \(first: .*broken\.png\)/);
    expect(r.stdout).toMatch(/39 training and 9 validation images, 2 classes/);
    expect(r.stdout.match(/^epoch {5}train_loss {2}valid_loss {2}error_rate {2}time {4}$/gm)?.length).toBe(2);
    expect(r.stdout).toContain(`exported to ${out}`);
    const images = [join(dir, 'trouser', readdirSync(join(dir, 'trouser'))[0]!), join(dir, 'bag', readdirSync(join(dir, 'bag'))[1]!)];
    const p = wgslnet('predict', out, ...images);
    expect(p.status).toBe(0);
    const lines = p.stdout.trim().split('\n');
    expect(lines.length).toBe(2);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^${images[i]}\\t(bag|trouser)\\t(0|1)\\.\\d{4}$`)));
    // A corrupt image given to predict: one line naming it.
    const corrupt = join(dir, 'bag', 'broken.png');
    const bad = wgslnet('predict', out, images[0]!, corrupt);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^wgslnet predict: ${corrupt}: not a PNG or JPEG file \\(first bytes 6e 6f 74 20\\)$`));
  }, 600_000);

  it('lr-find prints suggestions and writes the plot', () => {
    const dir = classFolders(['sneaker', 'bag'], 16);
    const plot = join(dir, 'lr.png');
    const r = wgslnet('lr-find', dir, '--size', '16', '--bs', '8', '--num-it', '30', '--plot', plot);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/valley \d\.\d\de-\d+ {2}minimum \d\.\d\de[-+]\d+ {2}steep \d\.\d\de[-+]\d+ {2}\(plot: .*lr\.png\)/);
    expect(readFileSync(plot).subarray(1, 4).toString()).toBe('PNG');
  }, 600_000);
});

describe('atomic checkpoints', () => {
  it('a crash between writing the temporary file and renaming it leaves the old checkpoint intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgslnet-crash-'));
    const ckpt = join(dir, 'ckpt.safetensors');
    const script = join(dir, 'crash.mts');
    writeFileSync(
      script,
      `import fsp from 'node:fs/promises';
       import { syncBuiltinESMExports } from 'node:module';
       import { init, ImageDataLoaders, Resize, resnet18, visionLearner } from '${root}src/node/index.ts';
       import { labelOf, sampleFiles } from '${root}test/helpers/fashion.ts';
       await init();
       const dls = ImageDataLoaders.fromNameFunc('', sampleFiles(['bag', 'trouser'], 8), { labelFunc: labelOf, itemTfms: [Resize(16)], bs: 4 });
       const learn = visionLearner(dls, resnet18, { output: { line() {}, status() {} } });
       await learn.save(${JSON.stringify(ckpt)});
       console.log('saved');
       await learn.fit(1, 1e-2);                        // the weights move on
       fsp.rename = async () => { process.kill(process.pid, 'SIGKILL'); };   // die just before the rename
       syncBuiltinESMExports();
       await learn.save(${JSON.stringify(ckpt)});
       console.log('not reached');`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toContain('saved');
    expect(r.stdout).not.toContain('not reached');
    const leftovers = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    expect(leftovers.length).toBe(1); // the new checkpoint was fully written to its temporary file…
    const old = parseSafetensors(new Uint8Array(readFileSync(ckpt)), ckpt); // …and the old one is whole
    const fresh = parseSafetensors(new Uint8Array(readFileSync(join(dir, leftovers[0]!))), 'tmp');
    expect(old.metadata.wgslnet).toBe('checkpoint');
    const key = 'head.8.weight';
    expect(Buffer.from(old.tensors.get(key)!.bytes).equals(Buffer.from(fresh.tensors.get(key)!.bytes))).toBe(false);
  }, 300_000);
});
