// A few lines of DOM building, so the tabs read as the structure they make.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** h('button', { class: 'x', onclick: f }, 'label') → <button class="x">label</button>. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
}

/** Replaces el's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`studio: no element #${id}`);
  return el as T;
}

/** A labelled form control: <label>text <control></label>. */
export function field(text: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', {}, text), control, hint ? h('small', { class: 'muted' }, hint) : null);
}

export function numberInput(id: string, value: number, o: { min?: number; max?: number; step?: number | 'any' } = {}): HTMLInputElement {
  return h('input', { id, type: 'number', value, min: o.min, max: o.max, step: o.step ?? 1 });
}

export function select(id: string, options: [string, string][], value: string): HTMLSelectElement {
  const s = h('select', { id }, ...options.map(([v, t]) => h('option', { value: v }, t)));
  s.value = value;
  return s;
}

/** 1234 → "1,234". */
export const count = (n: number): string => n.toLocaleString('en-US');

/** mm:ss (h:mm:ss past an hour), as fastai's tables. */
export function clock(seconds: number): string {
  const t = Math.max(0, Math.floor(seconds));
  const [hh, mm, ss] = [Math.floor(t / 3600), Math.floor(t / 60) % 60, t % 60];
  const two = (v: number) => String(v).padStart(2, '0');
  return hh ? `${hh}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
}

/** Offers bytes as a file download. */
export function download(bytes: Uint8Array, name: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Highlights el while something is dragged over it, and hands a drop to `f`. */
export function dropTarget(el: HTMLElement, f: (dt: DataTransfer) => Promise<void>): void {
  el.addEventListener('dragover', (e) => {
    e.preventDefault();
    el.classList.add('over');
  });
  el.addEventListener('dragleave', () => el.classList.remove('over'));
  el.addEventListener('drop', (e) => {
    e.preventDefault();
    el.classList.remove('over');
    if (e.dataTransfer) void f(e.dataTransfer);
  });
}
