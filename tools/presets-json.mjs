// `make dist`: writes the presets' descriptions (the preset menu's tooltips, en and zh) as
// JSON, read from the full wasm module's vocabulary. The page's first module keeps none
// (they were 4.5 KB of its gzip, on the first frame's path); the page fetches this file
// after the first frame. Usage: node tools/presets-json.mjs DIR (wasm-bindgen's output).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dir = resolve(process.argv[2]);
const m = await import(pathToFileURL(`${dir}/backprop_lab.js`));
await m.default({ module_or_path: readFileSync(`${dir}/backprop_lab_bg.wasm`) });
const { presets } = JSON.parse(m.vocabulary());
process.stdout.write(`${JSON.stringify(Object.fromEntries(presets.map((p) => [p.name, p.description])))}\n`);
