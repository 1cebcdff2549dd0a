import type { Vec2 } from './geometry.js';

/**
 * A piece of the soft-tissue envelope (limb, palm, finger) in pixels: a tapered, rounded slab whose
 * projected thickness is an elliptic chord. `depth` is the slab's thickness relative to its width (1 for a
 * round limb, small for the flat palm). A denser muscle core sits inside the fat layer.
 */
export interface SoftTissueSegment {
  origin: Vec2;
  axis: Vec2;
  length: number;
  radius: [number, number];
  /** Length of the rounded ends. */
  cap: number;
  depth: number;
  /** Attenuation per pixel of path. */
  mu: number;
  /** Extra attenuation of the muscle core, relative to `mu`, and the core's relative width. */
  muscle: number;
  core: number;
}

export function softTissueAttenuation(s: SoftTissueSegment, x: number, y: number): number {
  const dx = x - s.origin.x;
  const dy = y - s.origin.y;
  const u = dx * s.axis.x + dy * s.axis.y;
  const v = -dx * s.axis.y + dy * s.axis.x;
  const t = u <= 0 ? 0 : u >= s.length ? 1 : u / s.length;
  const w = s.radius[0] + (s.radius[1] - s.radius[0]) * t;
  const beyond = u < 0 ? -u / s.cap : u > s.length ? (u - s.length) / s.cap : 0;
  const rho2 = (v / w) * (v / w) + beyond * beyond;
  if (rho2 >= 1) return 0;
  const thickness = s.depth * w;
  let a = s.mu * 2 * thickness * Math.sqrt(1 - rho2);
  const core2 = s.core * s.core;
  if (rho2 < core2) a += s.mu * s.muscle * 2 * thickness * Math.sqrt(core2 - rho2);
  return a;
}

/** Pixel bounds of the segment. */
export function softTissueExtent(s: SoftTissueSegment): { min: Vec2; max: Vec2 } {
  const r = Math.max(s.radius[0], s.radius[1]);
  const reach = Math.max(r, s.cap);
  const end = { x: s.origin.x + s.axis.x * s.length, y: s.origin.y + s.axis.y * s.length };
  return {
    min: { x: Math.min(s.origin.x, end.x) - reach, y: Math.min(s.origin.y, end.y) - reach },
    max: { x: Math.max(s.origin.x, end.x) + reach, y: Math.max(s.origin.y, end.y) + reach },
  };
}
