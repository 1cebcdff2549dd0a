import type { BoneShape } from './bone.js';
import type { Fracture } from './fracture.js';
import type { Exposure } from './exposure.js';
import { insideField } from './exposure.js';
import type { TrabecularTexture } from './texture.js';
import { addBone, breakRange, displaySlope } from './render.js';
import { blurRadius, gaussianBlur } from './blur.js';
import type { Rect } from './geometry.js';

export interface BreakExtent {
  /** Every pixel the break can change in the final image: changed attenuation, widened by the blur. */
  box: Rect | null;
  /** Largest change the break makes on screen inside the exposed field, in grey levels (noise aside). */
  contrast: number;
}

/**
 * Measures a break by drawing its bone broken and intact: the box is exact rather than a geometric bound,
 * and the contrast tells breaks a reader could see from ones that vanish in 8 bits.
 */
export function measureBreak(
  size: number,
  bone: BoneShape,
  fracture: Fracture,
  texture: TrabecularTexture,
  exposure: Exposure,
  softTissue: number,
): BreakExtent {
  // Far from the break the broken bone is drawn exactly as the intact one, so only the zone needs drawing.
  const r = breakRange(bone, size, fracture);
  const intact = new Float32Array(size * size);
  const broken = new Float32Array(size * size);
  addBone(intact, size, bone, null, texture, r);
  addBone(broken, size, bone, fracture, texture, r);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let y = r.y0; y < r.y1; y++) {
    for (let x = r.x0; x < r.x1; x++) {
      if (broken[y * size + x] !== intact[y * size + x]) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      }
    }
  }
  if (x1 < 0) return { box: null, contrast: 0 };

  const radius = blurRadius(exposure.blurSigma);
  const box = {
    x0: Math.max(0, x0 - radius),
    y0: Math.max(0, y0 - radius),
    x1: Math.min(size, x1 + radius),
    y1: Math.min(size, y1 + radius),
  };
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const delta = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (box.y0 + y) * size + box.x0 + x;
      delta[y * w + x] = broken[i]! - intact[i]!;
    }
  }
  const seen = gaussianBlur(delta, w, h, exposure.blurSigma);
  let contrast = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = box.x0 + x;
      const py = box.y0 + y;
      if (!insideField(exposure.collimation, size, px, py, 1)) continue;
      const a = intact[py * size + px]! + softTissue;
      contrast = Math.max(contrast, Math.abs(seen[y * w + x]!) * displaySlope(exposure, a) * 255);
    }
  }
  return { box, contrast };
}
