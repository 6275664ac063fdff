// A WAV reader: RIFF/WAVE files with PCM samples of 8, 16, 24 or 32 bits, or IEEE float (32 or
// 64 bits), plain or WAVE_FORMAT_EXTENSIBLE, any number of channels and any sample rate. Samples
// come out as floats in [−1, 1), scaled as torchaudio.load(normalize = True) scales them, and are
// averaged to mono on request. Everything else (µ-law, A-law, ADPCM, MP3 in a WAV …) is refused
// with an error naming the file and the encoding; so is a header or data chunk cut short.

import { WgslnetError } from '../gpu/errors.js';

export interface Wav {
  sampleRate: number;
  channels: number;
  /** One Float32Array per channel. */
  samples: Float32Array[];
  /** The encoding read, e.g. "PCM 16-bit" or "float 32-bit". */
  encoding: string;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

/** Names of the WAVE format tags people meet, for the error that refuses them. */
const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG audio',
  0x0055: 'MP3',
  0x00ff: 'AAC',
  0x1610: 'AAC (HE-AAC)',
  0xf1ac: 'FLAC',
};

const ascii = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/** Parses a WAV file's bytes; `name` (the file) starts every error. */
export function readWav(bytes: Uint8Array, name: string): Wav {
  const fail = (what: string): never => {
    throw new WgslnetError(`${name}: ${what}`);
  };
  if (bytes.length === 0) fail('empty file, not a WAV file');
  if (bytes.length < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') {
    const head = ascii(Uint8Array.from({ length: 4 }, (_, i) => bytes[i] ?? 32), 0);
    fail(`not a WAV file (it starts with ${JSON.stringify(head)}, not "RIFF….WAVE")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: { tag: number; channels: number; rate: number; blockAlign: number; bits: number } | null = null;
  let data: Uint8Array | null = null;
  let toEnd = false;
  let at = 12;
  while (at + 8 <= bytes.length && !data) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) fail(`truncated or corrupt 'fmt ' chunk (${size} bytes declared, ${bytes.length - body} present)`);
      let tag = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
      if (tag === FORMAT_EXTENSIBLE) {
        if (size < 40) fail(`corrupt 'fmt ' chunk (WAVE_FORMAT_EXTENSIBLE needs 40 bytes, got ${size})`);
        tag = view.getUint16(body + 24, true);
      }
      fmt = { tag, channels: view.getUint16(body + 2, true), rate: view.getUint32(body + 4, true), blockAlign: view.getUint16(body + 12, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!fmt) fail("corrupt: the 'data' chunk comes before the 'fmt ' chunk");
      // Streaming writers (e.g. to a pipe) leave the size at 0xFFFFFFFF: the data runs to the end.
      toEnd = size >= 0x7fffffff;
      const declared = toEnd ? bytes.length - body : size;
      if (body + declared > bytes.length) fail(`truncated: the data chunk declares ${declared} bytes but only ${bytes.length - body} follow`);
      data = bytes.subarray(body, body + declared);
    }
    at = body + size + (size & 1); // chunks are padded to even sizes
  }
  if (!fmt) fail("corrupt or truncated: no 'fmt ' chunk");
  if (!data) fail("truncated: no 'data' chunk");
  const { tag, channels, rate, blockAlign, bits } = fmt!;
  if (tag !== FORMAT_PCM && tag !== FORMAT_FLOAT) {
    fail(`unsupported WAV encoding ${FORMAT_NAMES[tag] ?? 'format 0x' + tag.toString(16).padStart(4, '0')}; only PCM (8, 16, 24, 32 bit) and float (32, 64 bit) are read (convert it first, e.g. sox in.wav -e signed-integer -b 16 out.wav)`);
  }
  const encoding = `${tag === FORMAT_PCM ? 'PCM' : 'float'} ${bits}-bit`;
  const okBits = tag === FORMAT_PCM ? [8, 16, 24, 32] : [32, 64];
  if (!okBits.includes(bits)) fail(`unsupported WAV encoding ${encoding}; ${tag === FORMAT_PCM ? 'PCM' : 'float'} must be ${okBits.join(', ')} bit`);
  if (channels < 1) fail('corrupt: the header says 0 channels');
  if (rate < 1) fail('corrupt: the header says a sample rate of 0');
  const width = bits / 8;
  if (blockAlign !== width * channels) fail(`corrupt: block align ${blockAlign} is not ${channels} channels × ${width} bytes`);
  const frames = Math.floor(data!.length / blockAlign);
  if (frames * blockAlign !== data!.length && !toEnd) {
    fail(`truncated: the data (${data!.length} bytes) is not a whole number of ${blockAlign}-byte sample frames`);
  }
  const d = new DataView(data!.buffer, data!.byteOffset, data!.byteLength);
  const read = sampleReader(tag, bits, d);
  const samples = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let f = 0; f < frames; f++) for (let c = 0; c < channels; c++) samples[c]![f] = read(f * blockAlign + c * width);
  return { sampleRate: rate, channels, samples, encoding };
}

/** One sample at a byte offset, scaled to [−1, 1) as torchaudio.load(normalize = True) does. */
function sampleReader(tag: number, bits: number, d: DataView): (at: number) => number {
  if (tag === FORMAT_FLOAT) return bits === 32 ? (at) => d.getFloat32(at, true) : (at) => d.getFloat64(at, true);
  switch (bits) {
    case 8:
      return (at) => (d.getUint8(at) - 128) / 128; // 8-bit WAV is unsigned
    case 16:
      return (at) => d.getInt16(at, true) / 32768;
    case 24:
      return (at) => ((d.getUint8(at) | (d.getUint8(at + 1) << 8) | (d.getInt8(at + 2) << 16)) / 8388608);
    default:
      return (at) => d.getInt32(at, true) / 2147483648;
  }
}

/** The channels averaged into one (a mono file is returned as it is). */
export function toMono(wav: Wav): Float32Array {
  if (wav.channels === 1) return wav.samples[0]!;
  const out = new Float32Array(wav.samples[0]!.length);
  for (const ch of wav.samples) for (let i = 0; i < out.length; i++) out[i]! += ch[i]!;
  for (let i = 0; i < out.length; i++) out[i]! /= wav.channels;
  return out;
}

/** Writes samples as a WAV file (for tests and the benches): PCM 8/16/24/32-bit or float 32-bit. */
export function encodeWav(channels: Float32Array[], sampleRate: number, encoding: { format?: 'pcm' | 'float'; bits?: number; extensible?: boolean } = {}): Uint8Array {
  const format = encoding.format ?? 'pcm';
  const bits = encoding.bits ?? (format === 'float' ? 32 : 16);
  const width = bits / 8;
  const n = channels[0]?.length ?? 0;
  const fmtSize = encoding.extensible ? 40 : 16;
  const dataSize = n * channels.length * width;
  const out = new Uint8Array(12 + 8 + fmtSize + 8 + dataSize + (dataSize & 1));
  const v = new DataView(out.buffer);
  const put = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  const tag = format === 'float' ? FORMAT_FLOAT : FORMAT_PCM;
  put(0, 'RIFF');
  v.setUint32(4, out.length - 8, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, encoding.extensible ? FORMAT_EXTENSIBLE : tag, true);
  v.setUint16(22, channels.length, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels.length * width, true);
  v.setUint16(32, channels.length * width, true);
  v.setUint16(34, bits, true);
  if (encoding.extensible) {
    v.setUint16(36, 22, true); // cbSize
    v.setUint16(38, bits, true); // valid bits
    v.setUint32(40, 0, true); // channel mask
    v.setUint16(44, tag, true); // the sub-format GUID starts with the format tag
    out.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 46);
  }
  const d = 20 + fmtSize;
  put(d, 'data');
  v.setUint32(d + 4, dataSize, true);
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  for (let i = 0; i < n; i++) {
    channels.forEach((ch, c) => {
      const at = d + 8 + (i * channels.length + c) * width;
      const x = ch[i]!;
      if (format === 'float') v.setFloat32(at, x, true);
      else if (bits === 8) v.setUint8(at, clamp(Math.round(x * 128) + 128, 0, 255));
      else if (bits === 16) v.setInt16(at, clamp(Math.round(x * 32768), -32768, 32767), true);
      else if (bits === 24) {
        const s = clamp(Math.round(x * 8388608), -8388608, 8388607);
        v.setUint8(at, s & 0xff);
        v.setUint8(at + 1, (s >> 8) & 0xff);
        v.setInt8(at + 2, s >> 16);
      } else v.setInt32(at, clamp(Math.round(x * 2147483648), -2147483648, 2147483647), true);
    });
  }
  return out;
}
