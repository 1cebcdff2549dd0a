import { describe, expect, it } from 'vitest';
import { augmentKeys, trainingOrder } from './order.js';

const labels = Int32Array.from({ length: 50 }, (_, i) => (i < 5 ? 0 : 1));

describe('trainingOrder', () => {
  it('shuffles into a permutation that depends on seed and epoch only', () => {
    const order = trainingOrder(labels, 1, 0, false);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from(labels, (_, i) => i));
    expect(trainingOrder(labels, 1, 0, false)).toEqual(order);
    expect(trainingOrder(labels, 1, 1, false)).not.toEqual(order);
    expect(trainingOrder(labels, 2, 0, false)).not.toEqual(order);
  });

  it('balanced sampling draws each class about equally however rare it is (3 sigma over 20 epochs)', () => {
    let rare = 0;
    const epochs = 20;
    for (let epoch = 0; epoch < epochs; epoch++) rare += trainingOrder(labels, 9, epoch, true).filter((p) => labels[p] === 0).length;
    const draws = epochs * labels.length;
    expect(Math.abs(rare - draws / 2)).toBeLessThanOrEqual(3 * Math.sqrt(draws / 4));
  });

  it('gives a repeated image a different augmentation key each time it comes back', () => {
    const keys = augmentKeys([3, 3, 4], [10, 11, 12, 13, 14], 1, 0);
    expect(keys[0]).not.toBe(keys[1]);
    expect(augmentKeys([4, 3], [10, 11, 12, 13, 14], 1, 0)).toEqual([keys[2], keys[0]]);
  });
});
