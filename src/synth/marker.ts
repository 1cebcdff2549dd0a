/** A lead side marker (`L` or `R`) as seen on a radiograph: bright strokes, sometimes inside a frame. */
export interface SideMarker {
  letter: 'L' | 'R';
  /** Top-left of the glyph box and the letter's height, pixels. */
  x: number;
  y: number;
  height: number;
  angle: number;
  level: number;
  framed: boolean;
}

type Stroke = [number, number, number, number];

/** Strokes in glyph units: x 0..0.9, y 0..1.4 downward. */
const GLYPHS: Record<'L' | 'R', Stroke[]> = {
  L: [
    [0, 0, 0, 1.4],
    [0, 1.4, 0.8, 1.4],
  ],
  R: [
    [0, 0, 0, 1.4],
    [0, 0, 0.5, 0],
    ...arc(0.5, 0.36, 0.36, -Math.PI / 2, Math.PI / 2, 6),
    [0.5, 0.72, 0, 0.72],
    [0.35, 0.72, 0.85, 1.4],
  ],
};

function arc(cx: number, cy: number, r: number, from: number, to: number, steps: number): Stroke[] {
  const out: Stroke[] = [];
  for (let k = 0; k < steps; k++) {
    const a0 = from + ((to - from) * k) / steps;
    const a1 = from + ((to - from) * (k + 1)) / steps;
    out.push([cx + r * Math.cos(a0), cy + r * Math.sin(a0), cx + r * Math.cos(a1), cy + r * Math.sin(a1)]);
  }
  return out;
}

function segmentDistance(px: number, py: number, [x0, y0, x1, y1]: Stroke): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - x0 - t * dx, py - y0 - t * dy);
}

/** Paints the marker over display values in [0, 1]. */
export function drawSideMarker(display: Float32Array, width: number, height: number, m: SideMarker): void {
  const unit = m.height / 1.4;
  const strokeHalf = 0.13;
  const strokes = [...GLYPHS[m.letter]];
  if (m.framed) {
    const [a, b, c, d] = [-0.35, -0.3, 1.25, 1.7];
    strokes.push([a, b, c, b], [c, b, c, d], [c, d, a, d], [a, d, a, b]);
  }
  const cos = Math.cos(m.angle);
  const sin = Math.sin(m.angle);
  // Pixel bounds of the glyph box (frame included), rotated.
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [gx, gy] of [[-0.6, -0.6], [1.5, -0.6], [-0.6, 2], [1.5, 2]] as const) {
    const px = m.x + (gx * cos - gy * sin) * unit;
    const py = m.y + (gx * sin + gy * cos) * unit;
    x0 = Math.min(x0, px);
    y0 = Math.min(y0, py);
    x1 = Math.max(x1, px);
    y1 = Math.max(y1, py);
  }
  x0 = Math.max(0, Math.floor(x0));
  y0 = Math.max(0, Math.floor(y0));
  x1 = Math.min(width, Math.ceil(x1));
  y1 = Math.min(height, Math.ceil(y1));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const dx = x - m.x;
      const dy = y - m.y;
      const gx = (dx * cos + dy * sin) / unit;
      const gy = (-dx * sin + dy * cos) / unit;
      let d = Infinity;
      for (const s of strokes) d = Math.min(d, segmentDistance(gx, gy, s));
      const coverage = Math.max(0, Math.min(1, (strokeHalf - d) * unit + 0.5));
      if (coverage > 0) {
        const i = y * width + x;
        display[i] = display[i]! * (1 - coverage) + m.level * coverage;
      }
    }
  }
}
