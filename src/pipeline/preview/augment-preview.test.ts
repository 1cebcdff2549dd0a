import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImage, openStore } from '../../data/index.js';
import { syntheticWorkspace, type TestWorkspace } from '../test-support.js';
import { writeAugmentPreview } from './augment-preview.js';
import { drawText } from './font.js';

let ws: TestWorkspace;
beforeAll(async () => {
  ws = await syntheticWorkspace(20);
});
afterAll(() => ws.remove());

describe('writeAugmentPreview', () => {
  it('writes a grid of n labelled training samples, labels matching the store', async () => {
    const out = path.join(ws.root, 'grid.png');
    const result = await writeAugmentPreview({ workspace: ws.workspace, projectId: ws.projectId, n: 5, size: 40, out });
    expect(result.file).toBe(out);
    expect(result.samples).toHaveLength(5);
    const meta = await sharp(out).metadata();
    // 3 columns x 2 rows of 40 px tiles, 11 px label bands, 4 px gaps
    expect([meta.width, meta.height, meta.channels]).toEqual([3 * 40 + 4 * 4, 2 * (40 + 11) + 3 * 4, 3]);
    const store = openStore(ws.workspace);
    try {
      for (const sample of result.samples) {
        const image = getImage(store, sample.imageId)!;
        expect([image.label, image.split]).toEqual([sample.label, 'train']);
      }
    } finally {
      store.close();
    }
  });

  it('draws glyphs from the bitmap font, upper-casing and clipping', () => {
    const width = 20;
    const rgb = new Uint8Array(width * 9 * 3);
    drawText(rgb, width, 9, 'l1', 1, 1, 1, [255, 0, 0]);
    const lit = (x: number, y: number) => rgb[(y * width + x) * 3] === 255;
    // 'L': a vertical bar in the first column and a full bottom row
    expect([1, 2, 3, 4, 5, 6, 7].every((y) => lit(1, y))).toBe(true);
    expect([1, 2, 3, 4, 5].every((x) => lit(x, 7))).toBe(true);
    expect(lit(3, 3)).toBe(false);
    expect(() => drawText(rgb, width, 9, 'WIDE TEXT BEYOND', 15, 5, 2, [0, 255, 0])).not.toThrow();
  });
});
