// The kernel-header convention (docs/design.md, "Kernels"), checked line by line: every .wgsl file opens
// with a comment block that holds
//   - the formula: at least one line with an equation (`y[i] = …`);
//   - the layouts: a line starting `Layout:` (or `Layouts:`);
//   - the grid: what one invocation or workgroup computes (a line naming invocations or workgroups);
//   - the bindings: a line starting `Bindings:` (continued on indented lines) that names every
//     binding the shader declares. A range such as `w0..w3` names w0, w1, w2 and w3; a name WGSL
//     reserves may be declared with a trailing underscore (`var_`) and written without it.

import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';

/** The comment block a file opens with, without the `// ` prefixes. */
export function headerLines(code: string): string[] {
  const lines: string[] = [];
  for (const l of code.split('\n')) {
    if (!l.startsWith('//')) break;
    lines.push(l.replace(/^\/\/ ?/, ''));
  }
  return lines;
}

/** What the header of `code` lacks (empty when it follows the convention). */
export function headerProblems(code: string): string[] {
  const lines = headerLines(code);
  if (!lines.length) return ['no comment block at the top'];
  const problems: string[] = [];
  const at = lines.findIndex((l) => l.startsWith('Bindings:'));
  const prose = lines.slice(0, at < 0 ? lines.length : at).filter((l) => !/^(Layouts?|Grid):/.test(l));
  if (!prose.some((l) => /\S\s*=\s*\S/.test(l))) problems.push('no formula (a line with an equation, before the layout and bindings)');
  if (!lines.some((l) => /^Layouts?:/.test(l))) problems.push("no 'Layout:' line");
  if (!lines.some((l) => /\b(invocations?|workgroups?)\b/i.test(l))) problems.push('no line saying what one invocation or workgroup computes');
  if (at < 0) return [...problems, "no 'Bindings:' line"];
  let text = lines[at]!.slice('Bindings:'.length);
  for (let i = at + 1; i < lines.length && /^\s{2,}\S/.test(lines[i]!); i++) text += ' ' + lines[i]!.trim();
  const ranges = [...text.matchAll(/\b([A-Za-z_]+)(\d+)\.\.\1?(\d+)\b/g)].flatMap(([, stem, a, b]) => Array.from({ length: Number(b) - Number(a) + 1 }, (_, k) => `${stem}${Number(a) + k}`));
  const reflect = new WgslReflect(code);
  for (const v of [...reflect.uniforms, ...reflect.storage]) {
    const name = v.name.replace(/_$/, '');
    if (!new RegExp(`(^|[^\\w])${name}([^\\w]|$)`).test(text) && !ranges.includes(v.name)) problems.push(`the Bindings line does not name binding ${v.binding} (${v.name})`);
  }
  return problems;
}
