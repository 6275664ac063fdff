export function bundle(entry?: string, outfile?: string): Promise<string | null>;
export function shaderTexts(): Record<string, string>;
