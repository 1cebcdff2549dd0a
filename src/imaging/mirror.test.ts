import { describe, expect, it } from 'vitest';
import { mirrorHorizontally } from './mirror.js';

describe('mirrorHorizontally', () => {
  it('reverses every row of every image, keeping each pixel\'s channels together', () => {
    // Two images of 2 x 3 pixels, 2 channels: the value is (image, y, x, c) written as digits.
    const values: number[] = [];
    for (let n = 0; n < 2; n++) for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) for (let c = 0; c < 2; c++) values.push(1000 * n + 100 * y + 10 * x + c);
    const mirrored = mirrorHorizontally(Float32Array.from(values), 2, 3, 2);
    expect(Array.from(mirrored.subarray(0, 6))).toEqual([20, 21, 10, 11, 0, 1]);
    expect(Array.from(mirrored.subarray(18, 24))).toEqual([1120, 1121, 1110, 1111, 1100, 1101]);
    expect(mirrorHorizontally(mirrored, 2, 3, 2)).toEqual(Float32Array.from(values));
  });

  it('leaves its input alone and rejects data that is not whole images', () => {
    const input = Float32Array.from([1, 2, 3]);
    expect(Array.from(mirrorHorizontally(input, 1, 3, 1))).toEqual([3, 2, 1]);
    expect(Array.from(input)).toEqual([1, 2, 3]);
    expect(() => mirrorHorizontally(new Float32Array(5), 1, 3, 1)).toThrow(/5 values are not whole images of 1 x 3 x 1/);
    expect(() => mirrorHorizontally(new Float32Array(0), 0, 3, 1)).toThrow(/not whole images/);
  });
});
