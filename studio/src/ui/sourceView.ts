// A kernel's WGSL source in a dialog, header first: the comment block every kernel file opens with
// (formula, layouts, what one invocation computes, the bindings) is set apart above the code.

import { fill, h } from './dom.js';

export function splitHeader(text: string): { header: string; code: string } {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i]!.trim().startsWith('//') || (lines[i]!.trim() === '' && i < lines.length - 1 && lines[i + 1]!.trim().startsWith('//')))) i++;
  return { header: lines.slice(0, i).map((l) => l.replace(/^\s*\/\/ ?/, '')).join('\n'), code: lines.slice(i).join('\n').replace(/^\n+/, '') };
}

export function showSource(file: string, text: string): void {
  const dialog = document.getElementById('source-view') as HTMLDialogElement;
  const { header, code } = splitHeader(text);
  fill(
    dialog,
    h('div', { class: 'dialog-head' }, h('h2', {}, h('code', {}, `shaders/${file}`)), h('button', { id: 'close-source', onclick: () => dialog.close() }, 'Close')),
    header ? h('pre', { class: 'wgsl-header' }, header) : h('p', { class: 'muted' }, 'This file has no header comment.'),
    h('pre', { class: 'wgsl-code' }, code),
  );
  dialog.dataset.file = file;
  if (!dialog.open) dialog.showModal();
}
