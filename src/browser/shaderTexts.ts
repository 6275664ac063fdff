// The shader files' texts for the browser entry, keyed by path under shaders/. From source, the
// bundler maps the virtual module below to the files (scripts/bundle.mjs); `npm run build`
// replaces this file's compiled output, dist/browser/shaderTexts.js, with the texts themselves, so
// a bundler given the package needs no plugin (scripts/build.mjs).
import texts from 'wgslnet:shaders';

const shaderTexts: Readonly<Record<string, string>> = texts;
export default shaderTexts;
