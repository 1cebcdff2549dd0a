import type { Random } from './random.js';
import { beyond, boneAlong, directionOf, ovoid, type AnatomyBone, type AnatomySoftTissue } from './anatomy.js';

const deg = Math.PI / 180;

/** Femur, patella, tibia, fibula and talus in an AP view, origin at the ankle. */
export function lowerLimb(random: Random): { bones: AnatomyBone[]; softTissue: AnatomySoftTissue[] } {
  const j = (x: number, spread = 0.06) => x * (1 + random.uniform(-spread, spread));
  const bones: AnatomyBone[] = [
    {
      name: 'femur', kind: 'long', from: { x: -0.16, y: -3.85 }, to: { x: 0.0, y: -3.5 },
      shaft: j(0.045), ends: [j(0.085), j(0.075)], flare: [0.12, 0.12], cap: [0.085, 0.05],
      cortex: 0.3, breakWeight: 0.3, tubular: false,
    },
    {
      name: 'femur', kind: 'long', from: { x: 0.02, y: -3.62 }, to: { x: 0.0, y: -2.06 },
      shaft: j(0.052), ends: [j(0.075), j(0.13)], flare: [0.15, 0.3], cap: [0.05, 0.07], endShift: [0.015, 0.01],
      cortex: j(0.35), breakWeight: 1, tubular: true,
    },
    ovoid('patella', { x: j(0.01, 1), y: -2.15 }, 0.085, 0.065, 0, { density: 0.55 }),
    {
      name: 'tibia', kind: 'long', from: { x: -0.01, y: -1.99 }, to: { x: -0.015, y: -0.02 },
      shaft: j(0.052), ends: [j(0.13), j(0.085)], flare: [0.3, 0.18], cap: [0.05, 0.04], endShift: [-0.012, -0.015],
      cortex: j(0.34), breakWeight: 1.3, tubular: true,
    },
    {
      name: 'fibula', kind: 'long', from: { x: 0.125, y: -1.9 }, to: { x: j(0.145), y: 0.06 },
      shaft: j(0.02), ends: [j(0.038), j(0.04)], flare: [0.08, 0.1], cap: [0.035, 0.05],
      cortex: j(0.35), breakWeight: 0.9, tubular: true,
    },
    ovoid('talus', { x: 0.0, y: 0.11 }, 0.1, 0.075, 90 * deg, { density: 0.65 }),
    ovoid('calcaneus', { x: -0.02, y: 0.25 }, 0.09, 0.08, 90 * deg, { density: 0.5 }),
  ];
  const softTissue: AnatomySoftTissue[] = [
    { from: { x: 0, y: -4.0 }, to: { x: 0, y: -2.05 }, radius: [j(0.3), j(0.21)], cap: 0.15, depth: 0.95, muscle: 0.5 },
    { from: { x: 0.01, y: -2.1 }, to: { x: 0.02, y: -0.05 }, radius: [j(0.2), j(0.12)], cap: 0.15, depth: 0.9, muscle: 0.45 },
    { from: { x: 0.0, y: -0.1 }, to: { x: 0.0, y: 0.35 }, radius: [j(0.15), j(0.15)], cap: 0.15, depth: 0.7, muscle: 0.2 },
  ];
  return { bones, softTissue };
}

/** A dorsoplantar foot: tarsals, metatarsals and toes, origin at the head of the talus. */
export function foot(random: Random): { bones: AnatomyBone[]; softTissue: AnatomySoftTissue[] } {
  const j = (x: number, spread = 0.06) => x * (1 + random.uniform(-spread, spread));
  const bones: AnatomyBone[] = [
    ovoid('calcaneus', { x: -0.04, y: -0.3 }, 0.16, 0.085, 5 * deg, { density: 0.5 }),
    ovoid('talus', { x: 0.03, y: -0.12 }, 0.1, 0.07, 15 * deg, { density: 0.6 }),
    ovoid('navicular', { x: 0.05, y: 0.03 }, 0.035, 0.06, 80 * deg),
    ovoid('cuboid', { x: -0.09, y: 0.08 }, 0.06, 0.05, 10 * deg),
    ovoid('cuneiform', { x: 0.1, y: 0.14 }, 0.05, 0.032, 5 * deg),
    ovoid('cuneiform', { x: 0.045, y: 0.15 }, 0.045, 0.025, 0),
    ovoid('cuneiform', { x: -0.005, y: 0.15 }, 0.045, 0.025, -3 * deg),
  ];
  const softTissue: AnatomySoftTissue[] = [
    { from: { x: -0.03, y: -0.42 }, to: { x: 0.0, y: 0.72 }, radius: [j(0.12), j(0.2)], cap: 0.12, depth: 0.5, muscle: 0.2 },
  ];
  const spread = random.uniform(0.6, 1.3);
  const rays: Array<[number, number, number, number, number[], number]> = [
    [0.1, 0.2, 6, 0.33, [0.16, 0.12], 0.03],
    [0.045, 0.19, 3, 0.42, [0.13, 0.06, 0.05], 0.02],
    [-0.005, 0.2, -1, 0.4, [0.11, 0.055, 0.045], 0.019],
    [-0.06, 0.14, -5, 0.38, [0.1, 0.05, 0.045], 0.019],
    [-0.115, 0.13, -10, 0.34, [0.09, 0.045, 0.04], 0.02],
  ];
  rays.forEach(([x, y, angle, metatarsalLength, phalanges, radius]) => {
    let direction = (angle * spread + random.normal(0, 1.5)) * deg;
    const metatarsal = boneAlong({ x, y }, direction, j(metatarsalLength), {
      name: 'metatarsal', kind: 'small', shaft: j(radius), ends: [radius * 1.5, radius * 1.45],
      flare: [0.07, 0.05], cap: [0.02, radius * 1.3], cortex: j(0.35), breakWeight: 1, tubular: true,
    });
    bones.push(metatarsal);
    let previous = metatarsal;
    phalanges.forEach((len, k) => {
      direction = directionOf(previous) + random.normal(0, 3) * deg;
      const r = radius * (k === 0 ? 0.8 : 0.7);
      const bone = boneAlong(beyond(previous, j(0.016)), direction, j(len), {
        name: k === 0 ? 'proximal phalanx' : k === phalanges.length - 1 ? 'distal phalanx' : 'middle phalanx',
        kind: 'small', shaft: r, ends: [r * 1.45, r * 1.25], flare: [len * 0.35, len * 0.3], cap: [r * 0.8, r],
        cortex: j(0.38), breakWeight: k === 0 ? 0.6 : 0.15, tubular: true,
      });
      bones.push(bone);
      previous = bone;
    });
    softTissue.push({
      from: metatarsal.to, to: previous.to, radius: [j(0.05), j(0.045)], cap: 0.04, depth: 0.8, muscle: 0,
    });
  });
  return { bones, softTissue };
}
