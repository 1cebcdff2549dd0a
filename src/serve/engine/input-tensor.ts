/**
 * Packs preprocessed images (each [size, size, channels], channels last, as `preprocess` returns them) into
 * one batch tensor in the model's layout: NCHW [n, channels, size, size] or NHWC [n, size, size, channels].
 */
export function packBatch(images: Float32Array[], size: number, channels: number, layout: 'nchw' | 'nhwc'): Float32Array {
  const plane = size * size;
  const perImage = plane * channels;
  const out = new Float32Array(images.length * perImage);
  images.forEach((image, n) => {
    if (image.length !== perImage) throw new Error(`image ${n} holds ${image.length} values, expected ${perImage}`);
    const base = n * perImage;
    if (layout === 'nhwc' || channels === 1) {
      out.set(image, base);
      return;
    }
    if (channels === 3) {
      // One sequential pass over the image instead of three strided ones.
      const g = base + plane;
      const b = base + 2 * plane;
      for (let i = 0, j = 0; i < plane; i++, j += 3) {
        out[base + i] = image[j]!;
        out[g + i] = image[j + 1]!;
        out[b + i] = image[j + 2]!;
      }
      return;
    }
    for (let c = 0; c < channels; c++) {
      const target = base + c * plane;
      for (let i = 0, j = c; i < plane; i++, j += channels) out[target + i] = image[j]!;
    }
  });
  return out;
}
