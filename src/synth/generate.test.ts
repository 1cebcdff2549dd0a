import { describe, expect, it } from 'vitest';
import { generateRadiograph, labelFor } from './generate.js';
import { FRACTURE_TYPES, type Radiograph } from './types.js';

/** Bounding box [x0, y0, x1, y1) of the pixels where two renders differ, or null. */
function differenceBox(a: Radiograph, b: Radiograph): [number, number, number, number] | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (a.pixels[y * a.width + x] !== b.pixels[y * a.width + x]) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1, y1];
}

describe('generateRadiograph', () => {
  it('gives identical pixels and truth for the same seed and index, different ones for another seed', () => {
    for (const index of [0, 1, 5]) {
      const a = generateRadiograph(11, index, { size: 128 });
      const b = generateRadiograph(11, index, { size: 128 });
      expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(true);
      expect(a.truth).toEqual(b.truth);
      const other = generateRadiograph(12, index, { size: 128 });
      expect(Buffer.from(a.pixels).equals(Buffer.from(other.pixels))).toBe(false);
    }
  });

  it('draws grey images of the requested size with air dark and bone bright', () => {
    const image = generateRadiograph(3, 0, { size: 96 });
    expect(image.width).toBe(96);
    expect(image.height).toBe(96);
    expect(image.pixels.length).toBe(96 * 96);
    const sorted = Array.from(image.pixels).sort((p, q) => p - q);
    // Real contrast: the darkest tenth and the brightest hundredth are far apart.
    expect(sorted[Math.floor(sorted.length * 0.99)]! - sorted[Math.floor(sorted.length * 0.1)]!).toBeGreaterThan(80);
  });

  it('labels exactly one image of each pair fractured, and only fractured images carry a break', () => {
    let fractured = 0;
    for (let index = 0; index < 40; index++) {
      const label = labelFor(4, index);
      if (label === 'fractured') fractured++;
      if (index % 2 === 1) expect(labelFor(4, index - 1)).not.toBe(label);
    }
    expect(fractured).toBe(20);
    for (let index = 0; index < 8; index++) {
      const { truth } = generateRadiograph(4, index, { size: 96 });
      expect(truth.label).toBe(labelFor(4, index));
      expect(truth.fracture === null).toBe(truth.label === 'normal');
    }
  });

  it('boxes every pixel the break changes, inside the image, and not much more', () => {
    const ratios: number[] = [];
    const seen = new Set<string>();
    for (const difficulty of [0, 0.5, 1]) {
      for (let index = 0; index < 24; index++) {
        const options = { size: 128, difficulty, label: 'fractured' as const };
        const broken = generateRadiograph(21, index, options);
        const intact = generateRadiograph(21, index, { ...options, omitFracture: true });
        const fracture = broken.truth.fracture!;
        seen.add(fracture.type);
        const [x0, y0, x1, y1] = fracture.box;
        expect(0 <= x0 && x0 < x1 && x1 <= 128 && 0 <= y0 && y0 < y1 && y1 <= 128).toBe(true);
        const changed = differenceBox(broken, intact);
        expect(changed, `image ${index} at difficulty ${difficulty}: the break is not drawn`).not.toBeNull();
        const [cx0, cy0, cx1, cy1] = changed!;
        expect(cx0 >= x0 && cy0 >= y0 && cx1 <= x1 && cy1 <= y1, `image ${index}: change ${changed} outside box ${fracture.box}`).toBe(true);
        ratios.push(((cx1 - cx0) * (cy1 - cy0)) / ((x1 - x0) * (y1 - y0)));
      }
    }
    ratios.sort((p, q) => p - q);
    expect(ratios[Math.floor(ratios.length / 2)]).toBeGreaterThan(0.4);
    expect([...seen].sort()).toEqual([...FRACTURE_TYPES].sort());
  });

  it('renders a normal image the same with or without omitFracture', () => {
    const normalIndex = [0, 1].find((i) => labelFor(9, i) === 'normal')!;
    const a = generateRadiograph(9, normalIndex, { size: 96 });
    const b = generateRadiograph(9, normalIndex, { size: 96, omitFracture: true });
    expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(true);
  });

  it('makes breaks subtler as difficulty rises', () => {
    const share = (difficulty: number) => {
      let hairline = 0;
      for (let index = 0; index < 60; index++) {
        const { truth } = generateRadiograph(2, index, { size: 64, difficulty, label: 'fractured' });
        if (truth.fracture!.type === 'hairline') hairline++;
      }
      return hairline / 60;
    };
    expect(share(1)).toBeGreaterThan(share(0) + 0.15);
  });

  it('rejects sizes and difficulties it cannot draw, saying what to give instead', () => {
    expect(() => generateRadiograph(1, 0, { size: 8 })).toThrow(/--size/);
    expect(() => generateRadiograph(1, 0, { difficulty: 2 })).toThrow(/--difficulty/);
    expect(() => generateRadiograph(1, 0, { difficulty: Number.NaN })).toThrow(/--difficulty/);
  });
});
