import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { resizeGrey } from '../imaging/resize.js';
import type { DecodedImage } from '../imaging/types.js';
import { classMap, fitWithin, mapOverImage, peakOf } from './cam.js';
import { camOverlayPng, turbo } from './cam-overlay.js';
import { inputPlacement } from './placement.js';

const grey = (width: number, height: number, value: number): DecodedImage => ({
  width,
  height,
  bitsStored: 8,
  pixels: new Uint8Array(width * height).fill(value),
  format: 'raw',
  metadata: {},
  warnings: [],
});

describe('inputPlacement', () => {
  // The white image's footprint in the resized input is where preprocess put the original image.
  it.each([
    [200, 100, 64],
    [100, 200, 64],
    [333, 95, 50],
    [64, 64, 32],
    [31, 97, 224],
  ])('letterbox of %ix%i into %i px matches sharp', async (width, height, size) => {
    const resized = await resizeGrey(grey(width, height, 255), size, size, 'letterbox');
    const placement = inputPlacement(width, height, { size, resize: 'letterbox' });
    const wrong: string[] = [];
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside =
          x >= placement.left && x < placement.left + placement.width && y >= placement.top && y < placement.top + placement.height;
        if (resized[y * size + x]! > 127 !== inside) wrong.push(`${x},${y}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('centre crop: the input shows the middle of the image', async () => {
    // Left half black, right half white: the crop's dark/bright border lies where the placement says.
    const image = grey(300, 100, 0);
    for (let y = 0; y < 100; y++) image.pixels.fill(255, y * 300 + 150, y * 300 + 300);
    const size = 50;
    const resized = await resizeGrey(image, size, size, 'center-crop');
    const placement = inputPlacement(300, 100, { size, resize: 'center-crop' });
    const border = placement.left + placement.width / 2;
    expect(placement.width).toBe(150);
    expect(resized[10 * size + Math.floor(border) - 2]!).toBeLessThan(60);
    expect(resized[10 * size + Math.ceil(border) + 1]!).toBeGreaterThan(190);
  });

  it('stretch fills the input', () => {
    expect(inputPlacement(30, 90, { size: 16, resize: 'stretch' })).toEqual({ left: 0, top: 0, width: 16, height: 16 });
  });
});

describe('classMap', () => {
  const features = {
    channels: 2,
    height: 1,
    width: 3,
    data: Float32Array.from([1, 2, 3, /* channel 1 */ 4, 0, -1]),
  };

  it('weighs the feature channels with the linear head\'s row of the class, then ReLU', () => {
    const head = { op: 'linear' as const, weight: Float32Array.from([1, -1, 0.5, 2]), classes: 2, channels: 2, bias: undefined };
    expect(Array.from(classMap(features, head, 0).values)).toEqual([0, 2, 4]); // [1-4, 2-0, 3+1] -> ReLU
    expect(Array.from(classMap(features, head, 1).values)).toEqual([8.5, 1, 0]); // [0.5+8, 1+0, 1.5-2]
  });

  it('adds the bias of a 1x1-conv head, whose map is its output', () => {
    const head = { op: 'conv2d' as const, weight: Float32Array.from([1, 1, 0, 0]), bias: Float32Array.from([-4, 0]), classes: 2, channels: 2 };
    expect(Array.from(classMap(features, head, 0).values)).toEqual([1, 0, 0]);
  });
});

describe('mapOverImage', () => {
  const hotCell = (w: number, h: number, x: number, y: number) => {
    const values = new Float32Array(w * h);
    values[y * w + x] = 5;
    return { width: w, height: h, values };
  };

  it('upsamples like PyTorch bilinear (align_corners false) and normalises to [0, 1]', () => {
    const map = { width: 2, height: 1, values: Float32Array.from([0, 4]) };
    const out = mapOverImage(map, 4, { left: 0, top: 0, width: 4, height: 4 }, 4, 1);
    // interpolate([0, 4], size=4): [0, 1, 3, 4] -> / 4
    expect(Array.from(out.values)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('undoes the letterbox: the map of the image area covers the whole original image', () => {
    // A 200x100 image letterboxed into 64 px sits in rows 16..47; a hot feature cell at the top-left of that
    // band must peak at the top-left of the original image, and the bars never show.
    const size = 64;
    const placement = inputPlacement(200, 100, { size, resize: 'letterbox' });
    const map = hotCell(8, 8, 0, 2); // rows 2 of 8 = input rows 16..23, the band's first
    const over = mapOverImage(map, size, placement, 200, 100);
    const peak = peakOf(over, 200, 100);
    expect(peak.x).toBeLessThan(8);
    expect(peak.y).toBeLessThan(16);
    expect(Math.max(...over.values)).toBe(1);
    const bottomBar = hotCell(8, 8, 4, 7); // lies in the black bar below the image
    expect(Math.max(...mapOverImage(bottomBar, size, placement, 200, 100).values)).toBeLessThan(0.05);
  });

  it('peakOf reports original-image pixels from a smaller map', () => {
    const over = mapOverImage(hotCell(4, 4, 3, 1), 32, { left: 0, top: 0, width: 32, height: 32 }, 16, 16);
    const peak = peakOf(over, 640, 640);
    expect(peak.x).toBeGreaterThan(480);
    expect(peak.y).toBeGreaterThan(160);
    expect(peak.y).toBeLessThan(320);
    expect(fitWithin(640, 320, 224)).toEqual({ width: 224, height: 112 });
  });
});

describe('camOverlayPng', () => {
  it('colours hot regions and leaves cold ones grey, at the map\'s size', async () => {
    const values = new Float32Array(40 * 20);
    for (let y = 0; y < 20; y++) for (let x = 30; x < 40; x++) values[y * 40 + x] = 1;
    const png = await camOverlayPng(grey(80, 40, 100), { width: 40, height: 20, values });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([40, 20, 3]);
    const at = (x: number, y: number) => Array.from(data.subarray((y * 40 + x) * 3, (y * 40 + x) * 3 + 3));
    expect(at(2, 10)).toEqual([100, 100, 100]);
    const hot = at(35, 10);
    expect(hot[0]).toBeGreaterThan(hot[2]! + 20); // turbo's top end is red
    expect(turbo(0.1)[2]).toBeGreaterThan(turbo(0.1)[0] + 100); // and its low end blue
  });
});
