// `wgslnet convert <in.pth> <out.safetensors>`: a PyTorch checkpoint to safetensors, read through the
// restricted unpickler (nothing in the file runs) and written losslessly: every tensor keeps its
// dtype and its PyTorch key, so the output loads in PyTorch with safetensors' load_file and
// load_state_dict(strict=True), and here with loadSafetensors. The write is atomic.

import { readBytes, writeBytes } from '../io/platform.js';
import { parsePth } from '../io/pth.js';
import { serializeRawSafetensors } from '../io/safetensors.js';

export const CONVERT_HELP = `usage: wgslnet convert <in.pth> <out.safetensors>
Converts a PyTorch checkpoint (torch.save's zip format, or the legacy one from before PyTorch 1.6)
to safetensors, without running its pickle: only the opcodes and types a state dict needs are read,
and anything else (os.system, eval, an unknown class) stops the conversion with its name.
A state dict nested under 'state_dict' or 'model' is found and said. Dtypes are kept as they are.`;

/** Converts `input` to `output`; returns the lines to print. Errors are WgslnetErrors naming the file. */
export async function convertPth(input: string, output: string): Promise<string[]> {
  const pth = parsePth(await readBytes(input), input);
  const entries = [...pth.tensors];
  const bytes = serializeRawSafetensors(entries, { format: 'pt' });
  await writeBytes(output, bytes);
  const values = entries.reduce((n, [, e]) => n + e.shape.reduce((a, b) => a * b, 1), 0);
  const dtypes = [...new Set(entries.map(([, e]) => e.dtype))].join(', ');
  return [
    ...(pth.stateKey ? [`${input}: using the state dict under '${pth.stateKey}'`] : []),
    `wrote ${output}: ${entries.length} tensors (${dtypes}), ${values.toLocaleString('en-US')} values, ${bytes.byteLength < 1e6 ? `${(bytes.byteLength / 1e3).toFixed(1)} kB` : `${(bytes.byteLength / 1e6).toFixed(1)} MB`}, from ${input} (${pth.format} format)`,
  ];
}
