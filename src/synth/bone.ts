import type { BoneKind } from './types.js';
import { smoothstep, type Vec2 } from './geometry.js';
import type { TrabecularTexture } from './texture.js';

/**
 * One bone in pixel coordinates, as a hollow solid of revolution around its axis: a cortical shell around a
 * medullary canal, flaring to rounded ends filled with cancellous bone. Projected thickness is analytic, so
 * the cortex shows as two bright walls (long tangential paths) around a darker canal, as on a radiograph.
 *
 * Local coordinates: u along the axis from the proximal end (0..length), v across it (positive to the left
 * of the axis direction in image coordinates).
 */
export interface BoneShape {
  name: string;
  kind: BoneKind;
  /** Centre of the proximal end (u = 0). */
  origin: Vec2;
  /** Unit vector from the proximal to the distal end. */
  axis: Vec2;
  length: number;
  shaftRadius: number;
  /** Half-widths of the proximal and distal ends. */
  endRadius: [number, number];
  /** Lengths over which the shaft widens to each end. */
  flare: [number, number];
  /** Lengths of the rounded caps at each end. */
  cap: [number, number];
  /** Sideways offset (v) of each end's centre: ends are not symmetric about the shaft (radial styloid, humeral head). */
  endShift: [number, number];
  /** Cortical thickness in the shaft, and at the ends (a thin shell). */
  cortex: number;
  cortexAtEnds: number;
  /** Attenuation per pixel of path through cortical bone. */
  mu: number;
  /** Medullary (marrow) and cancellous attenuation, relative to cortex. */
  marrow: number;
  cancellous: number;
  /** Trabecular grain size in pixels, along and across the axis. */
  grain: [number, number];
  /** Open growth plates: lucent wavy bands near each end (children). A mimic of fractures. */
  physes: Physis[];
  /** Nutrient canal: a thin lucent line through one cortex. A mimic of hairline fractures. */
  nutrientCanal: NutrientCanal | null;
}

export interface Physis {
  u: number;
  width: number;
  depth: number;
  waveAmplitude: number;
  waveFrequency: number;
  wavePhase: number;
}

export interface NutrientCanal {
  /** Where the canal enters the cortex (u) and on which side (sign of v). */
  u: number;
  side: 1 | -1;
  /** Angle to the axis, radians, and length in pixels. */
  angle: number;
  length: number;
  width: number;
  depth: number;
}

export function toImage(bone: BoneShape, u: number, v: number): Vec2 {
  return {
    x: bone.origin.x + u * bone.axis.x - v * bone.axis.y,
    y: bone.origin.y + u * bone.axis.y + v * bone.axis.x,
  };
}

/** Sideways offset of the outline's centre at u. */
export function centreShift(bone: BoneShape, u: number): number {
  if (bone.endShift[0] === 0 && bone.endShift[1] === 0) return 0;
  const nearStart = 1 - smoothstep(0, bone.flare[0], u);
  const nearEnd = 1 - smoothstep(0, bone.flare[1], bone.length - u);
  return bone.endShift[0] * nearStart + bone.endShift[1] * nearEnd;
}

/** How far from the axis the outline reaches at u, on either side. */
export function outlineReach(bone: BoneShape, u: number): number {
  return halfWidth(bone, u) + Math.abs(centreShift(bone, u));
}

/** Half-width of the bone's outline at u (0 outside the bone). */
export function halfWidth(bone: BoneShape, u: number): number {
  const L = bone.length;
  if (u <= 0 || u >= L) return 0;
  const nearStart = 1 - smoothstep(0, bone.flare[0], u);
  const nearEnd = 1 - smoothstep(0, bone.flare[1], L - u);
  let w =
    bone.shaftRadius +
    (bone.endRadius[0] - bone.shaftRadius) * nearStart +
    (bone.endRadius[1] - bone.shaftRadius) * nearEnd;
  if (u < bone.cap[0]) {
    const t = (bone.cap[0] - u) / bone.cap[0];
    w *= Math.sqrt(1 - t * t);
  }
  if (L - u < bone.cap[1]) {
    const t = (bone.cap[1] - (L - u)) / bone.cap[1];
    w *= Math.sqrt(1 - t * t);
  }
  return w;
}

/** The farthest the outline gets from the axis, for bounds. */
export function maxHalfWidth(bone: BoneShape): number {
  return Math.max(bone.shaftRadius, bone.endRadius[0], bone.endRadius[1]) + Math.max(Math.abs(bone.endShift[0]), Math.abs(bone.endShift[1]));
}

/** Attenuation of the X-ray path through the bone at local (u, v). */
export function boneAttenuation(bone: BoneShape, u: number, along: number, texture: TrabecularTexture): number {
  const v = along - centreShift(bone, u);
  const w = halfWidth(bone, u);
  const v2 = v * v;
  const w2 = w * w;
  if (v2 >= w2) return 0;
  const L = bone.length;
  const endness = Math.max(
    1 - smoothstep(0, bone.flare[0] * 1.3, u),
    1 - smoothstep(0, bone.flare[1] * 1.3, L - u),
  );
  const cortex = Math.min(0.85 * w, bone.cortex + (bone.cortexAtEnds - bone.cortex) * endness);
  const inner = w - cortex;
  const outerChord = 2 * Math.sqrt(w2 - v2);
  const innerChord = v2 < inner * inner ? 2 * Math.sqrt(inner * inner - v2) : 0;
  const spongy = Math.max(
    1 - smoothstep(bone.flare[0] * 0.6, bone.flare[0] * 1.8, u),
    1 - smoothstep(bone.flare[1] * 0.6, bone.flare[1] * 1.8, L - u),
  );
  const fill = bone.marrow + (bone.cancellous - bone.marrow) * spongy;
  // Thick bone stacks many trabeculae along the ray, which averages their pattern out.
  let grain = 1;
  if (innerChord > 0) {
    const visibility = Math.min(1, Math.sqrt((6 * bone.grain[1]) / innerChord));
    grain = 1 + (texture.sample(u / bone.grain[0], v / bone.grain[1]) - 1) * visibility;
  }
  let a = bone.mu * (outerChord - innerChord + fill * innerChord * grain);
  for (const p of bone.physes) {
    const d = u - p.u - p.waveAmplitude * Math.sin(v * p.waveFrequency + p.wavePhase);
    if (Math.abs(d) < 4 * p.width) a *= 1 - p.depth * Math.exp(-(d * d) / (2 * p.width * p.width));
  }
  const canal = bone.nutrientCanal;
  if (canal) a *= 1 - canalLucency(canal, w, u, v);
  return a;
}

function canalLucency(canal: NutrientCanal, w: number, u: number, v: number): number {
  // The canal runs from the outer surface inward at a shallow angle.
  const startV = canal.side * w;
  const du = u - canal.u;
  const dv = v - startV;
  const dirU = Math.cos(canal.angle);
  const dirV = -canal.side * Math.sin(canal.angle);
  const along = du * dirU + dv * dirV;
  if (along < -1 || along > canal.length + 1) return 0;
  const across = -du * dirV + dv * dirU;
  const taper = 1 - smoothstep(canal.length * 0.6, canal.length, along);
  return canal.depth * taper * Math.exp(-(across * across) / (2 * canal.width * canal.width));
}
