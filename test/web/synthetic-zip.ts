import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSyntheticDataset } from '../../src/synth/index.js';
import { storedZip } from '../data/stored-zip.js';

/**
 * A zip archive of generated radiographs in ImageFolder layout (`fractured/…png`, `normal/…png`), written to a
 * temporary folder: what a user would upload on the dataset page. Returns the archive's path and one loose image.
 */
export async function syntheticZip(options: { n: number; size: number; seed?: number }): Promise<{ zip: string; image: string; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-web-data-'));
  const images = path.join(dir, 'images');
  await writeSyntheticDataset({ out: images, n: options.n, size: options.size, seed: options.seed ?? 3, layout: 'flat', difficulty: 0.2 });
  const entries: Array<{ name: string; data: Buffer }> = [];
  for (const label of fs.readdirSync(images).filter((f) => fs.statSync(path.join(images, f)).isDirectory()).sort()) {
    for (const file of fs.readdirSync(path.join(images, label)).sort()) {
      entries.push({ name: `${label}/${file}`, data: fs.readFileSync(path.join(images, label, file)) });
    }
  }
  const zip = path.join(dir, 'radiographs.zip');
  fs.writeFileSync(zip, storedZip(entries));
  // a radiograph of the same generator, not in the archive: what the deploy page is dropped
  const extra = path.join(dir, 'extra');
  await writeSyntheticDataset({ out: extra, n: 2, size: options.size, seed: (options.seed ?? 3) + 1000, layout: 'flat', difficulty: 0.2 });
  const fracturedDir = path.join(extra, 'fractured');
  const image = path.join(fracturedDir, fs.readdirSync(fracturedDir)[0]!);
  return { zip, image, dir };
}
