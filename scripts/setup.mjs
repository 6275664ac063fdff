#!/usr/bin/env node
// Makes a fresh machine ready for wgslnet, doing only what is missing, and saying what it did:
//   1. npm packages (npm ci) when node_modules is absent or stale;
//   2. a WebGPU adapter for Dawn: on a machine without a GPU that is Mesa's lavapipe. Debian
//      bookworm's own mesa-vulkan-drivers (22.3) is too old for Dawn; bookworm-backports has 25.x.
//      As root on Debian this script installs it; otherwise it prints the exact commands;
//   3. with --browser, Debian's chromium for the browser test (same rule).
// Plain Node, no dependencies: it runs before npm packages exist. `--check` only reports.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const wantBrowser = args.has('--browser');
const say = (msg) => console.log(`[setup] ${msg}`);

function fail(msg, commands = []) {
  console.error(`[setup] ${msg}`);
  if (commands.length) console.error(`[setup] Run as root:\n${commands.map((c) => '    ' + c).join('\n')}`);
  process.exit(1);
}

function run(cmd, cmdArgs, opts = {}) {
  say(`$ ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, ...opts });
  if (r.status !== 0) fail(`command failed (exit ${r.status}): ${cmd} ${cmdArgs.join(' ')}`);
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) fail(`Node ${process.versions.node} is too old; wgslnet needs Node 20 or newer.`);

// 1. npm packages
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  say('installing npm packages');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// What machine is this?
const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
const field = (k) => (osRelease.match(new RegExp(`^${k}=\"?([^\"\\n]*)`, 'm')) ?? [])[1] ?? '';
const isDebian = field('ID') === 'debian';
const codename = field('VERSION_CODENAME');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let aptUpdated = false;
function aptInstall(pkgs, release) {
  if (!aptUpdated) run('apt-get', ['update', '-q']);
  aptUpdated = true;
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...(release ? ['-t', release] : []), ...pkgs]);
}

// 2. A WebGPU adapter through Dawn. Probed in a child process: a failing driver must not take us down.
function probeAdapter() {
  const code = `
    import { create, globals } from 'webgpu';
    Object.assign(globalThis, globals);
    const a = await create([]).requestAdapter();
    console.log(JSON.stringify(a ? { ok: true, description: a.info.description || a.info.vendor + ' ' + a.info.architecture } : { ok: false }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const line = (r.stdout || '').trim().split('\n').pop() || '';
  try {
    return JSON.parse(line);
  } catch {
    return { ok: false, error: (r.stderr || '').trim().split('\n').slice(-3).join(' ') };
  }
}

let adapter = probeAdapter();
if (!adapter.ok) {
  const backports = codename === 'bookworm';
  const commands = backports
    ? [
        "printf 'Types: deb\\nURIs: http://deb.debian.org/debian\\nSuites: bookworm-backports\\nComponents: main\\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\\n' > /etc/apt/sources.list.d/bookworm-backports.sources",
        'apt-get update',
        'apt-get install -y -t bookworm-backports mesa-vulkan-drivers libvulkan1',
      ]
    : ['apt-get update', 'apt-get install -y mesa-vulkan-drivers libvulkan1'];
  if (!isDebian || !isRoot) {
    fail(
      `Dawn found no WebGPU adapter${adapter.error ? ` (${adapter.error})` : ''}. Without a GPU, install Mesa's lavapipe (a CPU Vulkan driver, Mesa ≥ 23).` +
        (isDebian ? '' : ' On other systems install your distribution\'s Mesa Vulkan drivers (lavapipe).'),
      isDebian ? commands : [],
    );
  }
  say(`no WebGPU adapter; installing Mesa's lavapipe${backports ? ' from bookworm-backports (bookworm\'s own 22.3 is too old for Dawn)' : ''}`);
  if (backports) {
    const src = '/etc/apt/sources.list.d/bookworm-backports.sources';
    const listed = spawnSync('grep', ['-rqs', 'bookworm-backports', '/etc/apt/sources.list', '/etc/apt/sources.list.d']).status === 0;
    if (!listed) {
      writeFileSync(src, 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n');
      say(`added ${src}`);
    }
    aptInstall(['mesa-vulkan-drivers', 'libvulkan1'], 'bookworm-backports');
  } else {
    aptInstall(['mesa-vulkan-drivers', 'libvulkan1']);
  }
  adapter = probeAdapter();
  if (!adapter.ok) fail(`still no WebGPU adapter after installing lavapipe${adapter.error ? ` (${adapter.error})` : ''}.`);
}
say(`WebGPU adapter: ${adapter.description}`);

// 3. Chromium for the browser test.
if (wantBrowser) {
  const chromium = '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    if (!isDebian || !isRoot) fail(`the browser test needs Debian's chromium at ${chromium}.`, ['apt-get update', 'apt-get install -y chromium']);
    say("installing Debian's chromium for the browser test");
    aptInstall(['chromium']);
  }
  say(`browser: ${execFileSync(chromium, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()}`);
}
