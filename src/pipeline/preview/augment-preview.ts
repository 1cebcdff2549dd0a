import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { OsteonError } from '../../errors.js';
import { createBatchLoader } from '../loader.js';
import type { AugmentConfig } from '../types.js';
import { ADVANCE, drawText, GLYPH_HEIGHT } from './font.js';

export interface AugmentPreviewOptions {
  workspace: string;
  projectId: number;
  /** Number of samples (tiles). */
  n: number;
  /** Input size of each tile (default 224). */
  size?: number;
  seed?: number;
  /** Epoch whose augmentations are shown (default 0). */
  epoch?: number;
  augment?: Partial<AugmentConfig>;
  out: string;
  onProgress?: (message: string, done: number, total: number) => void;
}

export interface AugmentPreviewResult {
  file: string;
  samples: Array<{ imageId: number; label: string }>;
}

/** Class colours of the bar under each tile: fractured red, normal green, further classes after. */
const CLASS_COLOURS: ReadonlyArray<readonly [number, number, number]> = [
  [214, 56, 56],
  [64, 170, 92],
  [70, 120, 220],
  [220, 170, 40],
  [160, 90, 200],
];
const GAP = 4;

/**
 * A PNG grid of augmented training samples exactly as the training loader produces them (first `n` of the
 * epoch), each with a bar in its class colour and the class name and image id written under it.
 */
export async function writeAugmentPreview(options: AugmentPreviewOptions): Promise<AugmentPreviewResult> {
  if (!Number.isInteger(options.n) || options.n < 1 || options.n > 1024) {
    throw new OsteonError('BAD_OPTION', `Cannot preview ${options.n} samples; give --n a whole number from 1 to 1024.`);
  }
  const size = options.size ?? 224;
  // mean 0 and std 1 on one channel: the loader hands back intensities in [0, 1]
  const loader = await createBatchLoader({
    workspace: options.workspace,
    projectId: options.projectId,
    split: 'train',
    spec: { size, channels: 1, mean: [0], std: [1], resize: 'letterbox' },
    batchSize: Math.min(options.n, 64),
    training: true,
    augment: options.augment,
    seed: options.seed ?? 1,
    workers: 0,
    onProgress: options.onProgress,
  });
  const tiles: Array<{ pixels: Float32Array; imageId: number; label: number }> = [];
  try {
    if (loader.size === 0) {
      throw new OsteonError('NO_TRAINING_IMAGES', 'The project has no labelled training images to preview: import images and run `osteon split` first.');
    }
    for (let epoch = options.epoch ?? 0; tiles.length < options.n; epoch++) {
      for await (const batch of loader.epoch(epoch)) {
        batch.imageIds.forEach((imageId, k) => {
          if (tiles.length < options.n) {
            tiles.push({ pixels: batch.images.data.subarray(k * size * size, (k + 1) * size * size), imageId, label: batch.labels[k]! });
          }
        });
        if (tiles.length >= options.n) break;
      }
    }
  } finally {
    await loader.close();
  }

  const scale = size >= 128 ? 2 : 1;
  const band = (GLYPH_HEIGHT + 4) * scale;
  const columns = Math.ceil(Math.sqrt(options.n));
  const rows = Math.ceil(options.n / columns);
  const width = columns * size + (columns + 1) * GAP;
  const height = rows * (size + band) + (rows + 1) * GAP;
  const rgb = new Uint8Array(width * height * 3).fill(24);
  tiles.forEach((tile, index) => {
    const left = GAP + (index % columns) * (size + GAP);
    const top = GAP + Math.floor(index / columns) * (size + band + GAP);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const grey = Math.round(Math.min(1, Math.max(0, tile.pixels[y * size + x]!)) * 255);
        rgb.fill(grey, ((top + y) * width + left + x) * 3, ((top + y) * width + left + x) * 3 + 3);
      }
    }
    const colour = CLASS_COLOURS[tile.label % CLASS_COLOURS.length]!;
    for (let y = top + size; y < top + size + band; y++) {
      for (let x = left; x < left + size; x++) rgb.set(colour, (y * width + x) * 3);
    }
    const text = `${loader.classes[tile.label] ?? tile.label} #${tile.imageId}`;
    const fits = Math.max(1, Math.floor(size / (ADVANCE * scale)));
    drawText(rgb, width, height, text.slice(0, fits), left + 2 * scale, top + size + 2 * scale, scale, [255, 255, 255]);
  });

  const file = path.resolve(options.out);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(rgb, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 6 }).toFile(file);
  return { file, samples: tiles.map((t) => ({ imageId: t.imageId, label: loader.classes[t.label] ?? String(t.label) })) };
}
