/**
 * Separable Gaussian blur of a row-major float image. The kernel is cut at ceil(3 sigma) pixels, so a change
 * at one pixel spreads at most `blurRadius(sigma)` pixels: fracture boxes rely on that bound.
 */
export function blurRadius(sigma: number): number {
  return sigma <= 0 ? 0 : Math.ceil(3 * sigma);
}

export function gaussianBlur(
  src: Float32Array,
  width: number,
  height: number,
  sigma: number,
  edges: 'clamp' | 'wrap' = 'clamp',
): Float32Array {
  const radius = blurRadius(sigma);
  if (radius === 0) return Float32Array.from(src);
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp(-(k * k) / (2 * sigma * sigma));
    kernel[k + radius] = w;
    total += w;
  }
  for (let k = 0; k < kernel.length; k++) kernel[k]! /= total;
  const wrap = edges === 'wrap';
  const horizontal = new Float32Array(src.length);
  const padded = new Float32Array(width + 2 * radius);
  const taps = 2 * radius + 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let k = -radius; k < width + radius; k++) {
      const x = wrap ? ((k % width) + width) % width : k < 0 ? 0 : k >= width ? width - 1 : k;
      padded[k + radius] = src[row + x]!;
    }
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let t = 0; t < taps; t++) acc += kernel[t]! * padded[x + t]!;
      horizontal[row + x] = acc;
    }
  }
  // Vertical pass row by row, so memory is read in order.
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let t = 0; t < taps; t++) {
      const k = y + t - radius;
      const from = (wrap ? ((k % height) + height) % height : k < 0 ? 0 : k >= height ? height - 1 : k) * width;
      const weight = kernel[t]!;
      for (let x = 0; x < width; x++) out[row + x]! += weight * horizontal[from + x]!;
    }
  }
  return out;
}
