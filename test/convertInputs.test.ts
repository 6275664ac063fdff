// The converters' CPU parts, with no GPU: the WAV reader (every encoding it reads, and the ones it
// refuses), bytes → image (Nataraj et al.'s width table, the pixel layout), and reading series
// from CSV tables and files (every error names the file and the line).

import { describe, expect, it } from 'vitest';
import { encodeWav, readWav, toMono } from '../src/convert/wav.js';
import { bytesImage, natarajWidth } from '../src/convert/bytes.js';
import { parseSeriesCsv, parseSeriesFile } from '../src/convert/seriesText.js';

const ramp = (n: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => scale * (i / n - 0.5));

describe('readWav', () => {
  const encodings = [
    { format: 'pcm', bits: 8, tol: 1 / 128 },
    { format: 'pcm', bits: 16, tol: 1 / 32768 },
    { format: 'pcm', bits: 24, tol: 1 / 8388608 },
    { format: 'pcm', bits: 32, tol: 1e-7 },
    { format: 'float', bits: 32, tol: 0 },
    { format: 'pcm', bits: 16, tol: 1 / 32768, extensible: true },
    { format: 'float', bits: 32, tol: 0, extensible: true },
  ] as const;
  for (const e of encodings) {
    it(`reads ${e.format} ${e.bits}-bit${'extensible' in e ? ' (WAVE_FORMAT_EXTENSIBLE)' : ''}, two channels, and averages them`, () => {
      const left = ramp(101);
      const right = ramp(101, -0.5);
      const wav = readWav(encodeWav([left, right], 22050, e), 'x.wav');
      expect([wav.sampleRate, wav.channels, wav.samples[0]!.length]).toEqual([22050, 2, 101]);
      expect(wav.encoding).toBe(`${e.format === 'pcm' ? 'PCM' : 'float'} ${e.bits}-bit`);
      for (let i = 0; i < 101; i++) {
        expect(Math.abs(wav.samples[0]![i]! - left[i]!)).toBeLessThanOrEqual(e.tol);
        expect(Math.abs(wav.samples[1]![i]! - right[i]!)).toBeLessThanOrEqual(e.tol);
      }
      const mono = toMono(wav);
      expect(mono[10]).toBeCloseTo((wav.samples[0]![10]! + wav.samples[1]![10]!) / 2, 7);
    });
  }
  it('scales as torchaudio: 16-bit −32768 is −1, 8-bit 128 is 0', () => {
    const w16 = encodeWav([Float32Array.of(-1, 0.5)], 8000);
    expect(Array.from(readWav(w16, 'a.wav').samples[0]!)).toEqual([-1, 0.5]);
    const w8 = encodeWav([Float32Array.of(0, -1)], 8000, { bits: 8 });
    expect(Array.from(readWav(w8, 'b.wav').samples[0]!)).toEqual([0, -1]);
  });
  it('reads float64 and skips unknown chunks (LIST) before the data', () => {
    const base = encodeWav([Float32Array.of(0.25, -0.75)], 16000, { format: 'float' });
    // Rewrite as float64 with a LIST chunk between fmt and data.
    const list = [...'LIST'].map((c) => c.charCodeAt(0)).concat([3, 0, 0, 0, 1, 2, 3, 0]); // odd size, padded
    const data = new Uint8Array(16);
    new DataView(data.buffer).setFloat64(0, 0.25, true);
    new DataView(data.buffer).setFloat64(8, -0.75, true);
    const head = base.slice(0, 36);
    const hv = new DataView(head.buffer);
    hv.setUint16(32, 8, true); // block align
    hv.setUint16(34, 64, true); // bits
    hv.setUint32(28, 16000 * 8, true);
    const file = new Uint8Array([...head, ...list, ...[...'data'].map((c) => c.charCodeAt(0)), 16, 0, 0, 0, ...data]);
    new DataView(file.buffer).setUint32(4, file.length - 8, true);
    expect(Array.from(readWav(file, 'f64.wav').samples[0]!)).toEqual([0.25, -0.75]);
  });
  it('refuses µ-law, A-law, ADPCM and MP3, naming the file and the encoding', () => {
    for (const [tag, name] of [[7, 'µ-law'], [6, 'A-law'], [2, 'Microsoft ADPCM'], [0x55, 'MP3']] as const) {
      const w = encodeWav([ramp(10)], 8000, { bits: 8 });
      new DataView(w.buffer).setUint16(20, tag, true);
      expect(() => readWav(w, 'phone.wav')).toThrow(new RegExp(`^phone\\.wav: unsupported WAV encoding ${name};`));
    }
  });
  it('refuses an empty file, a non-WAV file, a truncated file, and a corrupt header', () => {
    expect(() => readWav(new Uint8Array(0), 'e.wav')).toThrow(/^e\.wav: empty file, not a WAV file$/);
    expect(() => readWav(new TextEncoder().encode('ID3\x04 an mp3 file'), 'm.wav')).toThrow(/^m\.wav: not a WAV file \(it starts with "ID3/);
    const w = encodeWav([ramp(1000)], 8000);
    expect(() => readWav(w.subarray(0, 500), 't.wav')).toThrow(/^t\.wav: truncated: the data chunk declares 2000 bytes but only 456 follow$/);
    expect(() => readWav(w.subarray(0, 30), 'h.wav')).toThrow(/^h\.wav: truncated or corrupt 'fmt ' chunk/);
    const odd = w.slice();
    new DataView(odd.buffer).setUint16(32, 3, true);
    expect(() => readWav(odd, 'b.wav')).toThrow(/^b\.wav: corrupt: block align 3 is not 1 channels × 2 bytes$/);
  });
});

describe('bytesImage', () => {
  it("takes the width from Nataraj et al.'s table (1 kB = 1024 bytes)", () => {
    expect([1, 10 * 1024 - 1, 10 * 1024, 30 * 1024, 60 * 1024, 100 * 1024, 200 * 1024, 500 * 1024, 1000 * 1024 - 1, 1000 * 1024].map(natarajWidth)).toEqual([
      32, 32, 64, 128, 256, 384, 512, 768, 768, 1024,
    ]);
  });
  it('puts byte row·width + column at (row, column) and pads the last row with zeros', () => {
    const bytes = Uint8Array.from({ length: 70 }, (_, i) => i + 1);
    const img = bytesImage(bytes, 'f.bin');
    expect([img.width, img.height]).toEqual([32, 3]);
    const at = (x: number, y: number) => img.data[3 * (y * img.width + x)];
    expect([at(0, 0), at(31, 0), at(0, 1), at(5, 2), at(6, 2), at(31, 2)]).toEqual([1, 32, 33, 70, 0, 0]);
    expect(img.data[3 * 40 + 1]).toBe(img.data[3 * 40]); // gray: r = g = b
    const w = bytesImage(bytes, 'f.bin', { width: 7 });
    expect([w.width, w.height, w.data[3 * (9 * 7 + 6)]]).toEqual([7, 10, 70]);
    const s = bytesImage(bytes, 'f.bin', { size: 8 });
    expect([s.width, s.height]).toEqual([8, 8]);
  });
  it('refuses an empty file by name', () => {
    expect(() => bytesImage(new Uint8Array(0), 'empty.so')).toThrow(/^empty\.so: empty file, no bytes to draw$/);
  });
});

describe('series from text', () => {
  it('reads a CSV with a named label column, quotes and blank lines', () => {
    const t = parseSeriesCsv('t1,label,t2,t3\n1,"up, fast",2,3\n\n4,down,5,6\n', 's.csv');
    expect(t).toEqual({ series: [[1, 2, 3], [4, 5, 6]], labels: ['up, fast', 'down'], lines: [2, 4] });
  });
  it('reads a headerless table with the label in column 0 (tab-separated, as the UCR archive)', () => {
    expect(parseSeriesCsv('1\t0.5\t0.25\n2\t1\t2\n', 'ucr.tsv', 0)).toEqual({ series: [[0.5, 0.25], [1, 2]], labels: ['1', '2'], lines: [1, 2] });
  });
  it('names the file, line and column of NaN, a non-number, ragged rows, an empty series, a missing column', () => {
    const head = 'label,a,b,c\n';
    expect(() => parseSeriesCsv(head + 'x,1,2,3\ny,1,NaN,3\n', 's.csv')).toThrow(/^s\.csv: line 3, column 'b' is NaN$/);
    expect(() => parseSeriesCsv(head + 'x,1,two,3\n', 's.csv')).toThrow(/^s\.csv: line 2, column 'b' \('two'\) is not a number$/);
    expect(() => parseSeriesCsv(head + 'x,1,,3\n', 's.csv')).toThrow(/^s\.csv: line 2, column 'b' is empty$/);
    expect(() => parseSeriesCsv(head + 'x,1,2,3\ny,1,2\n', 's.csv')).toThrow(/^s\.csv: line 3 has 2 values but line 2 has 3: rows of one table must have the same length$/);
    expect(() => parseSeriesCsv('label\nx\n', 's.csv')).toThrow(/^s\.csv: line 2: empty series \(a label and no values\)$/);
    expect(() => parseSeriesCsv('class,a\nx,1\n', 's.csv')).toThrow(/^s\.csv: no column named 'label' in the header \(columns: class, a\)/);
    expect(() => parseSeriesCsv('\n\n', 's.csv')).toThrow(/^s\.csv: empty file, no series in it$/);
  });
  it('with onBad, reports and skips bad rows', () => {
    const bad: string[] = [];
    const t = parseSeriesCsv('label,a,b\nx,1,2\ny,NaN,2\nz,3,4\n', 's.csv', 'label', (where) => bad.push(where));
    expect(t.labels).toEqual(['x', 'z']);
    expect(bad).toEqual(['s.csv: line 3']);
  });
  it('reads one series per file, any separators', () => {
    expect(parseSeriesFile('1, 2;3\n4\t5 6\n', 'a.txt')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => parseSeriesFile(' \n', 'a.txt')).toThrow(/^a\.txt: empty series \(no values in the file\)$/);
    expect(() => parseSeriesFile('1 2 nan', 'a.txt')).toThrow(/^a\.txt: value 3 is NaN$/);
  });
});
