// The package's "main" is CommonJS-less UMD; its ES module file has no types entry of its own.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect/types/index.js';
}
