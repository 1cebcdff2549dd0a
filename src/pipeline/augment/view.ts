/**
 * Where a training sample looks in its source plane, in unit coordinates of the (square) source: the
 * geometric augmentations only edit this, and one resample then applies all of them at once.
 */
export interface SampleView {
  /** Centre of the crop, 0..1 across and down the source. */
  centreX: number;
  centreY: number;
  /** Crop width and height as fractions of the source side. */
  width: number;
  height: number;
  /** Rotation of the crop about its centre, radians. */
  angle: number;
  flipX: boolean;
  flipY: boolean;
}

export function fullView(): SampleView {
  return { centreX: 0.5, centreY: 0.5, width: 1, height: 1, angle: 0, flipX: false, flipY: false };
}

/** Source pixel coordinates of output pixel (x, y): sx = a*x + b*y + c, sy = d*x + e*y + f. */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

/**
 * The affine map from an `outSide` x `outSide` output to a `sourceSide` x `sourceSide` source, pixel
 * centres at +0.5: output unit offset u (in [-0.5, 0.5]) is flipped, scaled to the crop, rotated and moved
 * to the crop's centre.
 */
export function viewToAffine(view: SampleView, sourceSide: number, outSide: number): Affine {
  const cos = Math.cos(view.angle);
  const sin = Math.sin(view.angle);
  // unit offset per output pixel, after flips and crop scaling
  const ux = ((view.flipX ? -1 : 1) * view.width) / outSide;
  const vy = ((view.flipY ? -1 : 1) * view.height) / outSide;
  const a = sourceSide * cos * ux;
  const b = sourceSide * -sin * vy;
  const d = sourceSide * sin * ux;
  const e = sourceSide * cos * vy;
  // output pixel x sits at unit offset (x - (half - 0.5)) / outSide from the output's centre
  const half = outSide / 2;
  const c = sourceSide * view.centreX - 0.5 - a * (half - 0.5) - b * (half - 0.5);
  const f = sourceSide * view.centreY - 0.5 - d * (half - 0.5) - e * (half - 0.5);
  return { a, b, c, d, e, f };
}
