import type { PreprocessSpec } from '../imaging/types.js';

/** A rectangle in the network input's pixel coordinates (may extend past the input for centre crops). */
export interface Placement {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Where the whole original image (width x height) lies in the square network input that `preprocess` makes
 * with `spec.resize`, rounded as sharp rounds: letterbox fits and centres (black bars around it), stretch
 * fills the square, centre-crop overfills it and is cut (parts of the image fall outside the input).
 * Lets a map computed over the input be laid back over the original image.
 */
export function inputPlacement(width: number, height: number, spec: Pick<PreprocessSpec, 'size' | 'resize'>): Placement {
  const size = spec.size;
  switch (spec.resize) {
    case 'stretch':
      return { left: 0, top: 0, width: size, height: size };
    case 'center-crop': {
      const scale = size / Math.min(width, height);
      const w = Math.max(size, Math.round(width * scale));
      const h = Math.max(size, Math.round(height * scale));
      return { left: -Math.floor((w - size + 1) / 2), top: -Math.floor((h - size + 1) / 2), width: w, height: h };
    }
    default: {
      const scale = size / Math.max(width, height);
      const w = Math.min(size, Math.max(1, Math.round(width * scale)));
      const h = Math.min(size, Math.max(1, Math.round(height * scale)));
      return { left: Math.floor((size - w) / 2), top: Math.floor((size - h) / 2), width: w, height: h };
    }
  }
}
