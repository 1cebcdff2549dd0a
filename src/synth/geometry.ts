/** Plane geometry for the generator: points, smooth steps and pixel rectangles. */

export interface Vec2 {
  x: number;
  y: number;
}

export const smoothstep = (edge0: number, edge1: number, x: number): number => {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
};

/** An axis-aligned pixel rectangle, possibly empty (x0 >= x1). */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function boundsOf(points: Vec2[], margin = 0): Rect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x0: x0 - margin, y0: y0 - margin, x1: x1 + margin, y1: y1 + margin };
}

/** Integer pixel range [x0, x1) x [y0, y1) covering `r`, clipped to the image. */
export function pixelRange(r: Rect, width: number, height: number): Rect {
  return {
    x0: Math.max(0, Math.floor(r.x0)),
    y0: Math.max(0, Math.floor(r.y0)),
    x1: Math.min(width, Math.ceil(r.x1) + 1),
    y1: Math.min(height, Math.ceil(r.y1) + 1),
  };
}
