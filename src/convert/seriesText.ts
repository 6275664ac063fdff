// Reading time series from text: a CSV table with one series per row and its label in a named
// column (or, with a column number, a headerless table such as the UCR archive's: label first),
// or a file holding one series (numbers separated by commas, tabs, spaces or new lines). Every
// problem names the file and the line: a value that is not a number, NaN, an empty series, rows
// of different lengths.

import { WgslnetError } from '../gpu/errors.js';

export interface CsvSeries {
  series: number[][];
  labels: string[];
  /** The 1-based line of the file each series came from. */
  lines: number[];
}

/** Splits one CSV line on `sep`, honouring double quotes ("a, b" is one cell; "" is a quote). */
function cells(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) out.push(cur.trim()), (cur = '');
    else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** A cell as a number; `where` locates it in errors. NaN, ±Infinity and blanks are refused. */
function value(cell: string, where: string): number {
  if (cell === '') throw new WgslnetError(`${where} is empty`);
  const v = Number(cell);
  if (Number.isNaN(v)) throw new WgslnetError(/^[+-]?nan$/i.test(cell) ? `${where} is NaN` : `${where} ('${cell.slice(0, 20)}') is not a number`);
  if (!Number.isFinite(v)) throw new WgslnetError(`${where} is ${cell}, not a finite number`);
  return v;
}

/**
 * One series per row. `labelColumn` names the label's column in the header row, or (a number)
 * its 0-based position in a table without a header. With `onBad`, a bad row is reported and
 * skipped instead of stopping the read.
 */
export function parseSeriesCsv(text: string, name: string, labelColumn: string | number = 'label', onBad?: (where: string, message: string) => void): CsvSeries {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new WgslnetError(`${name}: empty file, no series in it`);
  const sep = lines[first]!.includes('\t') ? '\t' : lines[first]!.includes(';') && !lines[first]!.includes(',') ? ';' : ',';
  let col: number;
  let header: string[] | null = null;
  if (typeof labelColumn === 'number') col = labelColumn;
  else {
    header = cells(lines[first]!, sep);
    col = header.indexOf(labelColumn);
    if (col < 0) throw new WgslnetError(`${name}: no column named '${labelColumn}' in the header (columns: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''}); name the label column`);
  }
  const out: CsvSeries = { series: [], labels: [], lines: [] };
  let expected = -1;
  for (let i = header ? first + 1 : first; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const where = `${name}: line ${i + 1}`;
    try {
      const row = cells(lines[i]!, sep);
      if (col >= row.length) throw new WgslnetError(`${where} has no column ${header ? `'${labelColumn}'` : col + 1} (it has ${row.length} cells)`);
      const label = row[col]!;
      if (label === '') throw new WgslnetError(`${where}: the label is empty`);
      const values = row.filter((_, c) => c !== col).map((cell, c) => value(cell, `${where}, column ${header ? `'${header[c >= col ? c + 1 : c]}'` : (c >= col ? c + 2 : c + 1)}`));
      if (!values.length) throw new WgslnetError(`${where}: empty series (a label and no values)`);
      if (expected >= 0 && values.length !== expected) throw new WgslnetError(`${where} has ${values.length} values but line ${out.lines[0]} has ${expected}: rows of one table must have the same length`);
      expected = values.length;
      out.series.push(values);
      out.labels.push(label);
      out.lines.push(i + 1);
    } catch (e) {
      if (!onBad || !(e instanceof WgslnetError)) throw e;
      onBad(where, e.message);
    }
  }
  if (!out.series.length) throw new WgslnetError(`${name}: no series in it${header ? ' (only a header)' : ''}`);
  return out;
}

/** A file holding one series: numbers separated by commas, semicolons, tabs, spaces or new lines. */
export function parseSeriesFile(text: string, name: string): number[] {
  const tokens = text.split(/[\s,;]+/).filter((t) => t !== '');
  if (!tokens.length) throw new WgslnetError(`${name}: empty series (no values in the file)`);
  return tokens.map((t, i) => value(t, `${name}: value ${i + 1}`));
}
