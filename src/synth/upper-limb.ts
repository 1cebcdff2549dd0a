import type { Random } from './random.js';
import { beyond, boneAlong, directionOf, ovoid, type AnatomyBone, type AnatomySoftTissue } from './anatomy.js';

const deg = Math.PI / 180;

/** Humerus, radius, ulna, carpus, metacarpals and phalanges in an AP view, origin at the wrist. */
export function upperLimb(random: Random): { bones: AnatomyBone[]; softTissue: AnatomySoftTissue[] } {
  const j = (x: number, spread = 0.06) => x * (1 + random.uniform(-spread, spread));
  const bones: AnatomyBone[] = [];
  const softTissue: AnatomySoftTissue[] = [];

  const humerusShaft = j(0.042);
  bones.push({
    name: 'humerus', kind: 'long', from: { x: 0, y: -2.15 }, to: { x: 0.0, y: -1.12 },
    shaft: humerusShaft, ends: [j(0.1), j(0.11)], flare: [0.26, 0.2], cap: [0.1, 0.05], endShift: [-0.035, 0],
    cortex: j(0.3), breakWeight: 1, tubular: true,
  });
  bones.push(ovoid('glenoid', { x: -0.19, y: -2.17 }, 0.12, 0.05, 10 * deg, { density: 0.8 }));

  const forearmTilt = random.normal(0, 2) * deg;
  bones.push({
    name: 'radius', kind: 'long', from: { x: 0.055, y: -1.05 }, to: { x: 0.085 + forearmTilt * 0.3, y: -0.02 },
    shaft: j(0.03), ends: [j(0.04), j(0.075)], flare: [0.1, 0.2], cap: [0.03, 0.04], endShift: [0, 0.022],
    cortex: j(0.3), breakWeight: 1.3, tubular: true,
  });
  bones.push({
    name: 'ulna', kind: 'long', from: { x: -0.05, y: -1.16 }, to: { x: -0.08 + forearmTilt * 0.3, y: -0.035 },
    shaft: j(0.027), ends: [j(0.06), j(0.037)], flare: [0.2, 0.08], cap: [0.06, 0.035], endShift: [0.012, -0.006],
    cortex: j(0.3), breakWeight: 1, tubular: true,
  });

  // Carpus: two rows of rounded bones.
  const carpal = (name: string, x: number, y: number, h: number, r: number, a: number) =>
    bones.push(ovoid(name, { x: j(x, 0.05), y: j(y, 0.05) }, j(h), j(r), a * deg));
  carpal('scaphoid', 0.085, 0.085, 0.055, 0.033, 35);
  carpal('lunate', 0.015, 0.075, 0.035, 0.033, 0);
  carpal('triquetrum', -0.055, 0.09, 0.032, 0.028, -20);
  carpal('pisiform', -0.075, 0.11, 0.022, 0.02, 0);
  carpal('trapezium', 0.115, 0.18, 0.035, 0.03, 30);
  carpal('trapezoid', 0.06, 0.18, 0.028, 0.024, 10);
  carpal('capitate', 0.005, 0.175, 0.05, 0.03, 0);
  carpal('hamate', -0.055, 0.17, 0.042, 0.03, -10);

  // Rays: [base x, base y, angle, metacarpal length, phalanx lengths].
  const spread = random.uniform(0.6, 1.4);
  const rays: Array<[number, number, number, number, number[], number]> = [
    [0.13, 0.22, 38, 0.22, [0.16, 0.12], 0.023],
    [0.065, 0.24, 7, 0.36, [0.23, 0.14, 0.1], 0.02],
    [0.01, 0.24, 0, 0.35, [0.25, 0.16, 0.1], 0.02],
    [-0.042, 0.23, -6, 0.31, [0.23, 0.15, 0.095], 0.018],
    [-0.085, 0.22, -13, 0.28, [0.18, 0.115, 0.09], 0.017],
  ];
  rays.forEach(([x, y, angle, metacarpalLength, phalanges, radius], ray) => {
    let direction = (angle * spread + random.normal(0, 2)) * deg;
    const metacarpal = boneAlong({ x, y }, direction, j(metacarpalLength), {
      name: 'metacarpal', kind: 'small', shaft: j(radius), ends: [radius * 1.45, radius * 1.55],
      flare: [0.06, 0.05], cap: [0.02, radius * 1.3], cortex: j(0.35), breakWeight: 1, tubular: true,
    });
    bones.push(metacarpal);
    let previous = metacarpal;
    const names = ray === 0 ? ['proximal phalanx', 'distal phalanx'] : ['proximal phalanx', 'middle phalanx', 'distal phalanx'];
    phalanges.forEach((len, k) => {
      direction = directionOf(previous) + random.normal(0, 3) * deg + (ray === 0 ? 0 : -0.2 * deg * (ray - 2));
      const r = radius * (k === 0 ? 0.85 : k === 1 ? 0.72 : 0.62);
      const isTip = k === phalanges.length - 1;
      const bone = boneAlong(beyond(previous, j(0.018)), direction, j(len), {
        name: names[k]!, kind: 'small', shaft: r, ends: [r * 1.5, isTip ? r * 1.1 : r * 1.35],
        flare: [len * 0.35, len * 0.3], cap: [r * 0.8, isTip ? r * 1.4 : r], cortex: j(0.38),
        breakWeight: isTip ? 0.4 : 0.8, tubular: true,
      });
      bones.push(bone);
      previous = bone;
    });
    softTissue.push({
      from: metacarpal.to, to: previous.to, radius: [j(0.05), j(0.04)], cap: 0.04, depth: 0.9, muscle: 0,
    });
  });

  softTissue.push(
    { from: { x: 0, y: -2.25 }, to: { x: 0, y: -1.12 }, radius: [j(0.21), j(0.17)], cap: 0.1, depth: 0.95, muscle: 0.45 },
    { from: { x: -0.01, y: -1.15 }, to: { x: -0.005, y: 0.0 }, radius: [j(0.17), j(0.13)], cap: 0.1, depth: 0.9, muscle: 0.4 },
    { from: { x: 0.0, y: -0.02 }, to: { x: 0.0, y: 0.58 }, radius: [j(0.13), j(0.17)], cap: 0.09, depth: 0.6, muscle: 0.2 },
    { from: { x: 0.11, y: 0.12 }, to: { x: 0.24, y: 0.38 }, radius: [j(0.07), j(0.05)], cap: 0.05, depth: 0.8, muscle: 0.2 },
  );
  return { bones, softTissue };
}
