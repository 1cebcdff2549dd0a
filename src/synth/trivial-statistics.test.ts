import { describe, expect, it } from 'vitest';
import { generateRadiograph } from './generate.js';

/** Probability that a random positive scores above a random negative (ties count half). */
function auc(positives: number[], negatives: number[]): number {
  let wins = 0;
  for (const p of positives) for (const q of negatives) wins += p > q ? 1 : p === q ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

function meanBrightness(pixels: Uint8Array): number {
  let sum = 0;
  for (const p of pixels) sum += p;
  return sum / pixels.length;
}

/** Share of pixels on a strong edge (central-difference gradient above 40 grey levels). */
function edgeDensity(pixels: Uint8Array, size: number): number {
  let edges = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const gx = pixels[y * size + x + 1]! - pixels[y * size + x - 1]!;
      const gy = pixels[(y + 1) * size + x]! - pixels[(y - 1) * size + x]!;
      if (gx * gx + gy * gy > 1600) edges++;
    }
  }
  return edges / (size * size);
}

describe('synthetic classes', () => {
  it('measures AUC correctly on known cases', () => {
    expect(auc([2, 3], [0, 1])).toBe(1);
    expect(auc([0, 1], [2, 3])).toBe(0);
    expect(auc([1, 1], [1, 1])).toBe(0.5);
  });

  it('are not told apart by mean brightness or edge count (the break is what differs)', () => {
    const size = 96;
    const features = { brightness: [[], []] as number[][], edges: [[], []] as number[][] };
    for (let index = 0; index < 240; index++) {
      const { pixels, truth } = generateRadiograph(8, index, { size });
      const k = truth.label === 'fractured' ? 0 : 1;
      features.brightness[k]!.push(meanBrightness(pixels));
      features.edges[k]!.push(edgeDensity(pixels, size));
    }
    // 120 images per class: the AUC of an uninformative feature has a standard error of about 0.04.
    expect(Math.abs(auc(features.brightness[0]!, features.brightness[1]!) - 0.5)).toBeLessThan(0.12);
    expect(Math.abs(auc(features.edges[0]!, features.edges[1]!) - 0.5)).toBeLessThan(0.12);
  });
});
