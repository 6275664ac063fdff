// The train command's weights choice, as visionLearner's `pretrained`:
//   (nothing)             torchvision's DEFAULT weights if they can be had, else random (fastai's default)
//   --pretrained          torchvision's DEFAULT weights, or an error
//   --pretrained <file>   that file (.pth, .pt, .safetensors) or URL; also --pretrained=<file>
//   --no-pretrained       random weights, no lookup
// util.parseArgs has no optional values, so these are taken out of the arguments first: the word
// after a bare --pretrained is its value only when it looks like a weights file or a URL.

const WEIGHTS_FILE = /(\.(pth|pt|safetensors|bin|tar)|^https?:\/\/.*)$/i;

export class PretrainedArgError extends Error {}

export function takePretrainedArg(args: string[]): { rest: string[]; pretrained: boolean | string | undefined } {
  const rest: string[] = [];
  const seen: string[] = [];
  let pretrained: boolean | string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--no-pretrained') pretrained = false;
    else if (a.startsWith('--pretrained=')) pretrained = a.slice('--pretrained='.length);
    else if (a === '--pretrained') pretrained = args[i + 1] !== undefined && WEIGHTS_FILE.test(args[i + 1]!) ? args[++i]! : true;
    else {
      rest.push(a);
      continue;
    }
    seen.push(a);
  }
  if (seen.length > 1) throw new PretrainedArgError(`give one of --pretrained, --pretrained <file> and --no-pretrained, not ${seen.join(' and ')}`);
  if (pretrained === '') throw new PretrainedArgError('--pretrained= needs a file or URL');
  return { rest, pretrained };
}
