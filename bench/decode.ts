/**
 * Times decodeImage (and the 224px preprocess) over every file of a folder, by default the dev set.
 * Also lists each file that fails, with its error code: the way to find truncated or odd files.
 *
 *   npx tsx bench/decode.ts [FOLDER] [--json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../src/imaging/decode.js';
import { preprocess } from '../src/imaging/preprocess.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const root = args.find((a) => !a.startsWith('--')) ?? '../shared/datasets/bone-xray-dev';

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full);
    return entry.name.endsWith('.json') || entry.name.endsWith('.md') ? [] : [full];
  });
}

const files = listFiles(root).sort();
const buffers = files.map((file) => fs.readFileSync(file));
const bytes = buffers.reduce((sum, b) => sum + b.length, 0);

const formats: Record<string, number> = {};
const failures: { file: string; code: string; message: string }[] = [];
const warnings: { file: string; warnings: string[] }[] = [];
let decodeMs = 0;
let preprocessMs = 0;
let pixels = 0;
const spec = { size: 224, channels: 3, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'letterbox' } as const;

for (let i = 0; i < files.length; i++) {
  const started = performance.now();
  try {
    const image = await decodeImage(buffers[i]!);
    const decoded = performance.now();
    decodeMs += decoded - started;
    await preprocess(image, { ...spec, mean: [...spec.mean], std: [...spec.std] });
    preprocessMs += performance.now() - decoded;
    pixels += image.width * image.height;
    formats[image.format] = (formats[image.format] ?? 0) + 1;
    if (image.warnings.length > 0) warnings.push({ file: files[i]!, warnings: image.warnings });
  } catch (error) {
    decodeMs += performance.now() - started;
    const e = error as { code?: string; message?: string };
    failures.push({ file: files[i]!, code: e.code ?? 'UNEXPECTED', message: e.message ?? String(error) });
  }
}

const result = {
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    sharp: sharp.versions.sharp,
    vips: sharp.versions.vips,
    sharpConcurrency: sharp.concurrency(),
  },
  folder: root,
  files: files.length,
  megabytes: +(bytes / 1e6).toFixed(1),
  megapixels: +(pixels / 1e6).toFixed(1),
  formats,
  decode: { seconds: +(decodeMs / 1000).toFixed(2), imagesPerSecond: +(files.length / (decodeMs / 1000)).toFixed(1) },
  preprocess224: { seconds: +(preprocessMs / 1000).toFixed(2), imagesPerSecond: +((files.length - failures.length) / (preprocessMs / 1000)).toFixed(1) },
  failures,
  warnings,
};

if (json) console.log(JSON.stringify(result, null, 2));
else {
  const m = result.machine;
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, node ${m.node}, sharp ${m.sharp} (libvips ${m.vips}, ${m.sharpConcurrency} threads)`);
  console.log(`${result.files} files, ${result.megabytes} MB, ${result.megapixels} megapixels in ${root}`);
  console.log(`formats: ${JSON.stringify(formats)}`);
  console.log(`decode:        ${result.decode.imagesPerSecond} images/s (${result.decode.seconds} s)`);
  console.log(`preprocess224: ${result.preprocess224.imagesPerSecond} images/s (${result.preprocess224.seconds} s)`);
  console.log(`failures: ${failures.length}`);
  for (const f of failures) console.log(`  ${f.code}  ${f.file}: ${f.message}`);
  for (const w of warnings) console.log(`  warning  ${w.file}: ${w.warnings.join('; ')}`);
}
