/**
 * Mirrors channels-last images left to right: `data` holds `count` images of [height, width, channels] (one
 * preprocessed image, or an NHWC batch). Returns a new array; `data` is not changed.
 */
export function mirrorHorizontally(data: Float32Array, height: number, width: number, channels: number): Float32Array {
  const row = width * channels;
  if (!(height > 0 && width > 0 && channels > 0) || data.length % (height * row) !== 0) {
    throw new Error(`${data.length} values are not whole images of ${height} x ${width} x ${channels}`);
  }
  const out = new Float32Array(data.length);
  for (let start = 0; start < data.length; start += row) {
    for (let x = 0; x < width; x++) {
      const from = start + x * channels;
      const to = start + (width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = data[from + c]!;
    }
  }
  return out;
}
