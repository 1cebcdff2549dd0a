import type { BodyPart, BoneKind } from './types.js';
import type { Vec2 } from './geometry.js';

/**
 * A limb drawn in anatomy units (about a quarter metre per unit), y running proximal to distal, x toward the
 * thumb or big-toe side. Scenes are turned into pixels by `placeScene`.
 */
export interface AnatomyBone {
  name: string;
  kind: BoneKind;
  /** Centres of the proximal and distal ends. */
  from: Vec2;
  to: Vec2;
  shaft: number;
  ends: [number, number];
  /** Flare and cap lengths; default from `ends`. */
  flare?: [number, number];
  cap?: [number, number];
  /** Offset of each end's centre toward +x (anatomy units). */
  endShift?: [number, number];
  /** Cortical thickness as a fraction of the shaft radius. */
  cortex: number;
  /** Relative density (the patella and sesamoids are thinner than they look). */
  density?: number;
  /** Weight of this bone when choosing which one breaks; 0 never. */
  breakWeight: number;
  /** Tubular bones with growth plates in children. */
  tubular: boolean;
}

export interface AnatomySoftTissue {
  from: Vec2;
  to: Vec2;
  radius: [number, number];
  cap: number;
  depth: number;
  muscle: number;
}

export interface Anatomy {
  bodyPart: BodyPart;
  boneKind: BoneKind;
  bones: AnatomyBone[];
  softTissue: AnatomySoftTissue[];
  /** Centre and size (anatomy units) of what the view shows. */
  focus: Vec2;
  extent: number;
}

/** A bone from a start point, an angle from the limb's axis (radians, positive toward +x) and a length. */
export function boneAlong(
  start: Vec2,
  angle: number,
  len: number,
  props: Omit<AnatomyBone, 'from' | 'to'>,
): AnatomyBone {
  return { ...props, from: start, to: { x: start.x + Math.sin(angle) * len, y: start.y + Math.cos(angle) * len } };
}

/** The point `gap` beyond a bone's distal end along its axis: where the next bone of a chain starts. */
export function beyond(bone: AnatomyBone, gap: number): Vec2 {
  const dx = bone.to.x - bone.from.x;
  const dy = bone.to.y - bone.from.y;
  const n = Math.hypot(dx, dy);
  return { x: bone.to.x + (dx / n) * gap, y: bone.to.y + (dy / n) * gap };
}

export function directionOf(bone: AnatomyBone): number {
  return Math.atan2(bone.to.x - bone.from.x, bone.to.y - bone.from.y);
}

/** A rounded small bone (carpal, tarsal, patella) centred at `centre`, long axis at `angle`. */
export function ovoid(
  name: string,
  centre: Vec2,
  halfLength: number,
  radius: number,
  angle: number,
  extra: Partial<AnatomyBone> = {},
): AnatomyBone {
  const dx = Math.sin(angle) * halfLength;
  const dy = Math.cos(angle) * halfLength;
  return {
    name,
    kind: 'small',
    from: { x: centre.x - dx, y: centre.y - dy },
    to: { x: centre.x + dx, y: centre.y + dy },
    shaft: radius,
    ends: [radius, radius],
    flare: [halfLength, halfLength],
    cap: [halfLength, halfLength],
    cortex: 0.12,
    density: 0.8,
    breakWeight: 0,
    tubular: false,
    ...extra,
  };
}
