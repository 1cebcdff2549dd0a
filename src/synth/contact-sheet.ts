import sharp from 'sharp';
import type { Radiograph } from './types.js';

export interface ContactSheetOptions {
  columns?: number;
  /** Outline each fracture box in red (review of truth), default false. */
  showBoxes?: boolean;
}

/** Tiles radiographs into one RGB PNG, for looking at many samples at once. */
export async function writeContactSheet(
  images: Radiograph[],
  file: string,
  options: ContactSheetOptions = {},
): Promise<void> {
  if (images.length === 0) throw new Error('a contact sheet needs at least one image');
  const columns = options.columns ?? 8;
  const tile = images[0]!.width;
  const gap = 2;
  const rows = Math.ceil(images.length / columns);
  const width = columns * (tile + gap) - gap;
  const height = rows * (tile + gap) - gap;
  const rgb = new Uint8Array(width * height * 3).fill(40);
  images.forEach((image, n) => {
    const ox = (n % columns) * (tile + gap);
    const oy = Math.floor(n / columns) * (tile + gap);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const v = image.pixels[y * image.width + x]!;
        const o = ((oy + y) * width + ox + x) * 3;
        rgb[o] = v;
        rgb[o + 1] = v;
        rgb[o + 2] = v;
      }
    }
    const box = image.truth.fracture?.box;
    if (options.showBoxes && box) {
      const [x0, y0, x1, y1] = box;
      const paint = (x: number, y: number) => {
        const o = ((oy + y) * width + ox + x) * 3;
        rgb[o] = 255;
        rgb[o + 1] = 40;
        rgb[o + 2] = 40;
      };
      for (let x = x0; x < x1; x++) {
        paint(x, y0);
        paint(x, y1 - 1);
      }
      for (let y = y0; y < y1; y++) {
        paint(x0, y);
        paint(x1 - 1, y);
      }
    }
  });
  await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toFile(file);
}
