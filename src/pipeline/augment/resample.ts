import type { Affine } from './view.js';

/**
 * Bilinear resample of a square grey plane through one affine map into `out` (outSide x outSide), scaled
 * to [0, 1] by `scale` (1/255 or 1/65535). Samples outside the source read as black, like letterbox padding.
 */
export function resampleBilinear(
  source: Uint8Array | Uint16Array,
  sourceSide: number,
  scale: number,
  map: Affine,
  out: Float32Array,
  outSide: number,
): void {
  const last = sourceSide - 1;
  for (let y = 0; y < outSide; y++) {
    let sx = map.b * y + map.c;
    let sy = map.e * y + map.f;
    const row = y * outSide;
    for (let x = 0; x < outSide; x++, sx += map.a, sy += map.d) {
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 > last || y0 > last) {
        out[row + x] = 0;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      let value: number;
      if (x0 >= 0 && y0 >= 0 && x0 < last && y0 < last) {
        const i = y0 * sourceSide + x0;
        const top = source[i]! + (source[i + 1]! - source[i]!) * fx;
        const bottom = source[i + sourceSide]! + (source[i + sourceSide + 1]! - source[i + sourceSide]!) * fx;
        value = top + (bottom - top) * fy;
      } else {
        // on the border: taps outside the source count as black
        const at = (px: number, py: number) => (px >= 0 && py >= 0 && px <= last && py <= last ? source[py * sourceSide + px]! : 0);
        const top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * fx;
        const bottom = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * fx;
        value = top + (bottom - top) * fy;
      }
      out[row + x] = value * scale;
    }
  }
}
