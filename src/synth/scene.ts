import type { Random } from './random.js';
import type { Anatomy, AnatomyBone } from './anatomy.js';
import type { BodyPart, BoneKind } from './types.js';
import type { BoneShape, NutrientCanal, Physis } from './bone.js';
import type { SoftTissueSegment } from './soft-tissue.js';
import { upperLimb } from './upper-limb.js';
import { foot, lowerLimb } from './lower-limb.js';

const deg = Math.PI / 180;

/** Attenuation per anatomy unit of path: cortical bone and soft tissue. */
const MU_CORTEX = 30;
const MU_SOFT = 1.6;

/** Everything the renderer draws, in pixels. */
export interface Scene {
  bodyPart: BodyPart;
  boneKind: BoneKind;
  bones: BoneShape[];
  /** Per bone: weight of being the one that breaks. */
  breakWeights: number[];
  softTissue: SoftTissueSegment[];
  /** Typical attenuation of the limb, for choosing the exposure window. */
  typicalSoftTissue: number;
  typicalBone: number;
  /** True when the patient is a child (open growth plates). */
  child: boolean;
  /**
   * The site the view is centred toward: a bone of the view's kind and a place along it (0..1 of its length).
   * Drawn alike for every image, so it tells nothing of the label; a fractured image breaks there when it can.
   */
  site: { boneIndex: number; along: number };
}

interface View {
  bodyPart: BodyPart;
  boneKind: BoneKind;
  weight: number;
  build: (random: Random) => Anatomy;
}

const VIEWS: View[] = [
  { bodyPart: 'hand', boneKind: 'small', weight: 0.2, build: (r) => ({ ...upperLimb(r), bodyPart: 'hand', boneKind: 'small', focus: { x: 0.02, y: 0.42 }, extent: 1.05 }) },
  { bodyPart: 'fingers', boneKind: 'small', weight: 0.1, build: (r) => ({ ...upperLimb(r), bodyPart: 'fingers', boneKind: 'small', focus: { x: r.uniform(-0.05, 0.08), y: r.uniform(0.62, 0.85) }, extent: 0.6 }) },
  { bodyPart: 'forearm', boneKind: 'long', weight: 0.22, build: (r) => ({ ...upperLimb(r), bodyPart: 'forearm', boneKind: 'long', focus: { x: 0, y: r.uniform(-0.85, -0.2) }, extent: 1.25 }) },
  { bodyPart: 'upper-arm', boneKind: 'long', weight: 0.1, build: (r) => ({ ...upperLimb(r), bodyPart: 'upper-arm', boneKind: 'long', focus: { x: -0.02, y: r.uniform(-1.8, -1.4) }, extent: 1.5 }) },
  { bodyPart: 'lower-leg', boneKind: 'long', weight: 0.16, build: (r) => ({ ...lowerLimb(r), bodyPart: 'lower-leg', boneKind: 'long', focus: { x: 0.04, y: r.uniform(-1.4, -0.5) }, extent: 1.9 }) },
  { bodyPart: 'thigh', boneKind: 'long', weight: 0.07, build: (r) => ({ ...lowerLimb(r), bodyPart: 'thigh', boneKind: 'long', focus: { x: 0, y: r.uniform(-3.2, -2.4) }, extent: 2.0 }) },
  { bodyPart: 'foot', boneKind: 'small', weight: 0.15, build: (r) => ({ ...foot(r), bodyPart: 'foot', boneKind: 'small', focus: { x: 0, y: 0.32 }, extent: 1.3 }) },
];

/**
 * Picks a view, builds its limb and places it on the detector: rotated, mirrored, zoomed, shifted. Easier sets
 * are closer views (up to twice as close at difficulty 0): bigger bones, fewer of them, and breaks that take
 * more of the image, so a small network trained on a few hundred images can find them.
 */
export function buildScene(random: Random, size: number, difficulty: number): Scene {
  // Hands and feet are full of joints that look like breaks of their small bones: easier sets show fewer.
  const smallBones = 0.25 + 1.5 * difficulty;
  const weights = Object.fromEntries(VIEWS.map((v, i) => [String(i), v.weight * (v.boneKind === 'small' ? smallBones : 1)])) as Record<string, number>;
  const view = VIEWS[Number(random.weighted(weights))]!;
  const anatomy = view.build(random);
  const child = random.chance(0.22);
  const density = random.uniform(0.75, 1.15);
  const patientScale = random.uniform(0.9, 1.12);

  const closeUp = 2 - difficulty;
  const zoom = ((size * closeUp) / anatomy.extent) * random.uniform(0.85, 1.2) * patientScale;
  const rotation = random.normal(0, 10) * deg + (random.chance(0.12) ? random.sign() * 90 * deg : 0);
  const mirror = random.chance(0.5) ? -1 : 1;
  // Easier sets centre the view on the site, as a radiographer centres on the injury; harder ones show
  // the whole region with the site anywhere in it.
  const siteWeights = Object.fromEntries(anatomy.bones.map((b, i) => [String(i), b.kind === view.boneKind ? b.breakWeight : 0])) as Record<string, number>;
  const siteBone = Number(random.weighted(siteWeights));
  const along = random.uniform(0.3, 0.7);
  const b = anatomy.bones[siteBone]!;
  const centring = 1 - difficulty * difficulty;
  const focus = {
    x: anatomy.focus.x + (b.from.x + (b.to.x - b.from.x) * along - anatomy.focus.x) * centring + random.normal(0, 0.05) * anatomy.extent / closeUp,
    y: anatomy.focus.y + (b.from.y + (b.to.y - b.from.y) * along - anatomy.focus.y) * centring + random.normal(0, 0.05) * anatomy.extent / closeUp,
  };
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  const place = (p: { x: number; y: number }) => {
    const x = (p.x - focus.x) * mirror;
    const y = p.y - focus.y;
    return { x: size / 2 + zoom * (x * cos - y * sin), y: size / 2 + zoom * (x * sin + y * cos) };
  };

  const bones = anatomy.bones.map((b) => placeBone(b, place, zoom, density, child, random));
  const softTissue = anatomy.softTissue.map((s): SoftTissueSegment => {
    const from = place(s.from);
    const to = place(s.to);
    const len = Math.hypot(to.x - from.x, to.y - from.y);
    return {
      origin: from,
      axis: { x: (to.x - from.x) / len, y: (to.y - from.y) / len },
      length: len,
      radius: [s.radius[0] * zoom, s.radius[1] * zoom],
      cap: s.cap * zoom,
      depth: s.depth,
      mu: MU_SOFT / zoom,
      muscle: s.muscle,
      core: 0.72,
    };
  });

  // A nutrient canal mimics a hairline break; it is drawn on normal and fractured images alike.
  if (random.chance(0.35)) {
    const tubular = bones.filter((b, i) => anatomy.bones[i]!.tubular && b.length > 12);
    if (tubular.length > 0) {
      const bone = random.pick(tubular);
      bone.nutrientCanal = nutrientCanal(random, bone);
    }
  }

  const main = anatomy.softTissue.reduce((a, s) => Math.max(a, s.radius[0] * s.depth), 0);
  const mainBone = anatomy.bones.reduce((a, b) => Math.max(a, b.shaft), 0);
  return {
    bodyPart: view.bodyPart,
    boneKind: view.boneKind,
    bones,
    breakWeights: anatomy.bones.map((b) => b.breakWeight * (b.kind === view.boneKind ? 1 : 0.15)),
    softTissue,
    typicalSoftTissue: Math.min(2 * main * MU_SOFT, 0.9),
    typicalBone: MU_CORTEX * mainBone * 0.9 * density,
    child,
    site: { boneIndex: siteBone, along },
  };
}

function placeBone(
  b: AnatomyBone,
  place: (p: { x: number; y: number }) => { x: number; y: number },
  zoom: number,
  density: number,
  child: boolean,
  random: Random,
): BoneShape {
  const from = place(b.from);
  const to = place(b.to);
  const len = Math.hypot(to.x - from.x, to.y - from.y);
  const flare = b.flare ?? [b.ends[0] * 2.5, b.ends[1] * 2.5];
  const cap = b.cap ?? [b.ends[0] * 0.8, b.ends[1] * 0.8];
  const cortex = b.cortex * b.shaft * zoom;
  // Which way +x of the anatomy points in the bone's own v direction, after rotation and mirroring.
  const ax = (b.to.x - b.from.x) / Math.hypot(b.to.x - b.from.x, b.to.y - b.from.y);
  const ay = (b.to.y - b.from.y) / Math.hypot(b.to.x - b.from.x, b.to.y - b.from.y);
  const sideways = place({ x: b.from.x + ay, y: b.from.y - ax });
  const towardX = Math.sign(-(sideways.x - from.x) * ((to.y - from.y) / len) + (sideways.y - from.y) * ((to.x - from.x) / len));
  const shift = b.endShift ?? [0, 0];
  const bone: BoneShape = {
    name: b.name,
    kind: b.kind,
    origin: from,
    axis: { x: (to.x - from.x) / len, y: (to.y - from.y) / len },
    length: len,
    shaftRadius: b.shaft * zoom,
    endRadius: [b.ends[0] * zoom, b.ends[1] * zoom],
    flare: [flare[0] * zoom, flare[1] * zoom],
    cap: [cap[0] * zoom, cap[1] * zoom],
    endShift: [shift[0] * zoom * towardX, shift[1] * zoom * towardX],
    cortex,
    cortexAtEnds: Math.max(0.5, cortex * 0.22),
    mu: (MU_CORTEX * density * (b.density ?? 1)) / zoom,
    marrow: random.uniform(0.06, 0.13),
    cancellous: random.uniform(0.2, 0.3),
    grain: [Math.max(1, 0.008 * zoom), Math.max(0.7, 0.0045 * zoom)],
    physes: [],
    nutrientCanal: null,
  };
  if (child && b.tubular) bone.physes = physes(random, bone, zoom);
  return bone;
}

function physes(random: Random, bone: BoneShape, zoom: number): Physis[] {
  const plates: Physis[] = [];
  for (const end of [0, 1] as const) {
    if (!random.chance(0.8)) continue;
    const fromEnd = bone.cap[end] * random.uniform(0.9, 1.4);
    plates.push({
      u: end === 0 ? fromEnd : bone.length - fromEnd,
      width: Math.max(0.45, 0.004 * zoom),
      depth: random.uniform(0.35, 0.7),
      waveAmplitude: bone.endRadius[end] * random.uniform(0.03, 0.12),
      waveFrequency: random.uniform(2, 5) / bone.endRadius[end],
      wavePhase: random.uniform(0, 2 * Math.PI),
    });
  }
  return plates;
}

function nutrientCanal(random: Random, bone: BoneShape): NutrientCanal {
  return {
    u: bone.length * random.uniform(0.3, 0.7),
    side: random.sign() as 1 | -1,
    angle: random.uniform(15, 35) * deg,
    length: bone.cortex * random.uniform(2, 3.5) + 1,
    // Sized like a hairline crack of the same bone (see fracture.ts), so it stays as good a mimic at any size.
    width: Math.max(0.35, bone.shaftRadius * random.uniform(0.1, 0.2)),
    depth: random.uniform(0.25, 0.6),
  };
}
