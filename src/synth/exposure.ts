import type { Random } from './random.js';
import type { Scene } from './scene.js';

/** How the detector saw the scene: blur, noise, exposure window, field of view. */
export interface Exposure {
  /** Detector and focal-spot blur, pixels (Gaussian sigma). */
  blurSigma: number;
  /** Quantum noise at zero attenuation, in attenuation units; grows where fewer photons get through. */
  noise: number;
  /** Heel effect: attenuation added across the field (per image width). */
  gradient: { x: number; y: number };
  /** Display curve: attenuation `reference` maps near white; `offset` is the air level. */
  reference: number;
  curve: number;
  offset: number;
  gamma: number;
  collimation: Collimation | null;
  /** Shadow of an anti-scatter grid: fine parallel lines across the whole image, or null. */
  grid: { period: number; amplitude: number; vertical: boolean } | null;
}

/** The exposed field: a rectangle, slightly rotated; outside it the image is flat (white or black). */
export interface Collimation {
  cx: number;
  cy: number;
  halfWidth: number;
  halfHeight: number;
  angle: number;
  cos: number;
  sin: number;
  edge: number;
  outside: number;
}

export function planExposure(random: Random, scene: Scene, size: number, difficulty: number): Exposure {
  const px = size / 256;
  let collimation: Collimation | null = null;
  if (random.chance(0.55)) {
    const angle = random.normal(0, 1.5) * (Math.PI / 180);
    collimation = {
      cx: size * random.uniform(0.45, 0.55),
      cy: size * random.uniform(0.45, 0.55),
      halfWidth: size * random.uniform(0.36, 0.5),
      halfHeight: size * random.uniform(0.38, 0.5),
      angle,
      cos: Math.cos(angle),
      sin: Math.sin(angle),
      edge: random.uniform(0.6, 2) * px,
      outside: random.chance(0.7) ? random.uniform(0.75, 0.97) : random.uniform(0, 0.05),
    };
  }
  return {
    blurSigma: random.uniform(0.45, 0.9 + 0.6 * difficulty) * px,
    noise: random.uniform(0.004, 0.012 + 0.03 * difficulty),
    gradient: { x: random.normal(0, 0.04), y: random.normal(0, 0.04) },
    reference: (scene.typicalSoftTissue + 1.6 * scene.typicalBone) * random.uniform(0.85, 1.2),
    curve: random.uniform(0.9, 1.9),
    offset: random.uniform(0, 0.06),
    gamma: random.uniform(0.8, 1.25),
    collimation,
    grid: random.chance(0.15)
      ? { period: random.uniform(2.2, 4) * px, amplitude: random.uniform(0.004, 0.012), vertical: random.chance(0.5) }
      : null,
  };
}

/** 0 inside the field, 1 outside, soft across the edge. */
export function outsideField(c: Collimation, x: number, y: number): number {
  const dx = x - c.cx;
  const dy = y - c.cy;
  const cos = c.cos;
  const sin = c.sin;
  const lx = Math.abs(dx * cos + dy * sin) - c.halfWidth;
  const ly = Math.abs(-dx * sin + dy * cos) - c.halfHeight;
  const d = Math.max(lx, ly);
  if (d <= -c.edge) return 0;
  if (d >= c.edge) return 1;
  return (d + c.edge) / (2 * c.edge);
}

/** True when (x, y) lies inside the field with `margin` pixels to spare (always true without collimation). */
export function insideField(c: Collimation | null, size: number, x: number, y: number, margin: number): boolean {
  if (x < margin || y < margin || x > size - margin || y > size - margin) return false;
  if (!c) return true;
  const dx = x - c.cx;
  const dy = y - c.cy;
  const cos = c.cos;
  const sin = c.sin;
  return (
    Math.abs(dx * cos + dy * sin) < c.halfWidth - margin && Math.abs(-dx * sin + dy * cos) < c.halfHeight - margin
  );
}
