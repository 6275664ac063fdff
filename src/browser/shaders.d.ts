// Filled at bundle time by scripts/bundle.mjs with { "matmul/matmul_naive.wgsl": "<source>", … }.
declare module 'wgslnet:shaders' {
  const texts: Record<string, string>;
  export default texts;
}
