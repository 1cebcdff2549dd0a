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
  const horizontal = new Float32Array(src.length);
  blurLines(src, horizontal, height, width, width, 1, kernel, radius, edges);
  const out = new Float32Array(src.length);
  blurLines(horizontal, out, width, height, 1, width, kernel, radius, edges);
  return out;
}

/** Blurs `lines` lines of `n` samples; sample k of line j sits at j * lineStep + k * sampleStep. */
function blurLines(
  src: Float32Array,
  dst: Float32Array,
  lines: number,
  n: number,
  lineStep: number,
  sampleStep: number,
  kernel: Float32Array,
  radius: number,
  edges: 'clamp' | 'wrap',
): void {
  const padded = new Float32Array(n + 2 * radius);
  for (let j = 0; j < lines; j++) {
    const base = j * lineStep;
    for (let k = -radius; k < n + radius; k++) {
      const i = edges === 'wrap' ? ((k % n) + n) % n : k < 0 ? 0 : k >= n ? n - 1 : k;
      padded[k + radius] = src[base + i * sampleStep]!;
    }
    for (let k = 0; k < n; k++) {
      let acc = 0;
      for (let t = 0; t <= 2 * radius; t++) acc += kernel[t]! * padded[k + t]!;
      dst[base + k * sampleStep] = acc;
    }
  }
}
