import type { Random } from './random.js';
import type { FractureType } from './types.js';
import { halfWidth, outlineReach, type BoneShape } from './bone.js';
import { smoothstep } from './geometry.js';

const deg = Math.PI / 180;

/** Narrowest crack drawn, pixels (a Gaussian sigma): thinner ones vanish in the detector blur. */
export const MIN_CRACK_WIDTH = 0.35;

/**
 * A break of one bone, in the bone's rest coordinates (u along the axis, v across; see bone.ts).
 * Cut lines split the bone into fragments; each fragment keeps the part of the bone on its side of its cuts
 * and may move rigidly. The motion fades to nothing outside a window around the break, so the bone far from
 * the break is drawn exactly as if unbroken: every change stays inside `zone`.
 */
export interface Fracture {
  type: FractureType;
  boneIndex: number;
  /** Where the main fracture line crosses the bone's axis. */
  breakU: number;
  fragments: Fragment[];
  cracks: Crack[];
  /** Motion weight 1 for u in [full0, full1], fading to 0 over `fade` on each side. */
  window: { full0: number; full1: number; fade0: number; fade1: number };
  /** Rest-frame rectangle that holds every change, u0..u1 by -halfWidth..halfWidth. */
  zone: { u0: number; u1: number; halfWidth: number };
  displacementPx: number;
  angulationDeg: number;
  /** Farthest any point moves, pixels: how far past the bone's rest outline the broken bone can reach. */
  reachPx: number;
}

export interface CutLine {
  u: number;
  v: number;
  /** Unit normal (nu, nv). */
  nu: number;
  nv: number;
  /** Roughness of the break: sum of sinusoids along the line. */
  jag: Array<{ amplitude: number; frequency: number; phase: number }>;
  /** Half-width of the lucent gap, pixels. */
  gap: number;
}

export interface Motion {
  pivotU: number;
  pivotV: number;
  angle: number;
  shiftU: number;
  shiftV: number;
}

export interface Fragment {
  cuts: Array<{ line: CutLine; side: 1 | -1 }>;
  motion: Motion | null;
}

/** A thin lucent line that does not separate the bone (hairline break), active for v in [vFrom, vTo]. */
export interface Crack {
  line: CutLine;
  vFrom: number;
  vTo: number;
  width: number;
  depth: number;
}

export function signedDistance(line: CutLine, u: number, v: number): number {
  const du = u - line.u;
  const dv = v - line.v;
  const t = -line.nv * du + line.nu * dv;
  let s = line.nu * du + line.nv * dv;
  for (const j of line.jag) s += j.amplitude * Math.sin(j.frequency * t + j.phase);
  return s;
}

function jagAmplitude(line: CutLine): number {
  return line.jag.reduce((a, j) => a + Math.abs(j.amplitude), 0);
}

/** How much of a fragment is present at rest point (u, v): 1 inside, 0 outside, soft over a pixel. */
export function fragmentCoverage(fragment: Fragment, u: number, v: number): number {
  let c = 1;
  for (const { line, side } of fragment.cuts) {
    const s = side * signedDistance(line, u, v) - line.gap + 0.5;
    if (s <= 0) return 0;
    if (s < 1) c *= s;
  }
  return c;
}

export function motionWeight(f: Fracture, u: number): number {
  const w = f.window;
  if (u <= w.full0 - w.fade0 || u >= w.full1 + w.fade1) return 0;
  return smoothstep(w.full0 - w.fade0, w.full0, u) * (1 - smoothstep(w.full1, w.full1 + w.fade1, u));
}

/** Where a moved fragment's point p (rest coordinates) goes, ignoring the fade. */
export function applyMotion(m: Motion, u: number, v: number): { u: number; v: number } {
  const c = Math.cos(m.angle);
  const s = Math.sin(m.angle);
  const du = u - m.pivotU;
  const dv = v - m.pivotV;
  return { u: m.pivotU + c * du - s * dv + m.shiftU, v: m.pivotV + s * du + c * dv + m.shiftV };
}

/**
 * Finds the rest point p that a fragment's (faded) motion carries to y: solves p + w(p)(M(p) - p) = y by
 * fixed-point iteration (the motion is small and smooth, so it contracts). Writes p into `out`.
 */
export function restPoint(f: Fracture, m: Motion, yu: number, yv: number, out: { u: number; v: number }): void {
  out.u = yu;
  out.v = yv;
  if (motionWeight(f, yu) === 0) return;
  const c = Math.cos(m.angle);
  const s = Math.sin(m.angle);
  let pu = yu;
  let pv = yv;
  for (let k = 0; k < 6; k++) {
    const w = motionWeight(f, pu);
    const du = pu - m.pivotU;
    const dv = pv - m.pivotV;
    const movedU = m.pivotU + c * du - s * dv + m.shiftU;
    const movedV = m.pivotV + s * du + c * dv + m.shiftV;
    pu = yu - w * (movedU - pu);
    pv = yv - w * (movedV - pv);
  }
  out.u = pu;
  out.v = pv;
}

/** Lucency factor of the cracks at rest point (u, v): 1 where there is none. */
export function crackFactor(f: Fracture, u: number, v: number): number {
  let factor = 1;
  for (const c of f.cracks) {
    if (v < c.vFrom || v > c.vTo) continue;
    const s = signedDistance(c.line, u, v);
    if (Math.abs(s) > 4 * c.width) continue;
    const taper = smoothstep(c.vFrom, c.vFrom + 1.5, v) * (1 - smoothstep(c.vTo - 1.5, c.vTo, v));
    factor *= 1 - c.depth * taper * Math.exp(-(s * s) / (2 * c.width * c.width));
  }
  return factor;
}

/** Hairline breaks grow common and comminuted ones rare as difficulty rises. */
export function chooseFractureType(random: Random, difficulty: number): FractureType {
  return random.weighted<FractureType>({
    transverse: 0.3,
    oblique: 0.3,
    comminuted: 0.22 * (1.2 - difficulty),
    hairline: 0.1 + 0.35 * difficulty,
  });
}

export interface FracturePlanOptions {
  difficulty: number;
  type?: FractureType;
  /** Where along the bone (0..1 of its length) the break crosses the axis; random in the shaft if absent. */
  along?: number;
}

/** Draws a break of `bone` at a random point of its shaft. */
export function planFracture(
  random: Random,
  bone: BoneShape,
  boneIndex: number,
  options: FracturePlanOptions,
): Fracture {
  const d = options.difficulty;
  const type = options.type ?? chooseFractureType(random, d);
  const ease = 1.25 - d; // larger = more obvious
  const anywhere = random.uniform(0.22, 0.78);
  const uf = bone.length * (options.along ?? anywhere);
  const radius = halfWidth(bone, uf);
  const angle =
    type === 'transverse' ? random.normal(0, 6) * deg
    : type === 'oblique' ? random.sign() * random.uniform(28, 55) * deg
    : type === 'comminuted' ? random.normal(0, 15) * deg
    : random.sign() * random.uniform(0, 40) * deg;
  // Gaps and cracks are sized by the bone, not in pixels, so a break looks the same at any image size and
  // survives the downscaling to a training size as the bone does.
  const main = cutLine(random, uf, 0, angle, radius, type === 'hairline' ? 0 : radius * random.uniform(0.08, 0.4) * ease);

  const moving: 1 | -1 = random.sign() as 1 | -1;
  const fragments: Fragment[] = [];
  const cracks: Crack[] = [];
  let movingMotion: Motion | null = null;
  let wedgeReach = 0;

  if (type === 'hairline') {
    const side = random.sign();
    const across = random.uniform(0.35, 1) * 2 * radius;
    const edge = radius + 2;
    cracks.push({
      line: main,
      vFrom: side > 0 ? edge - across : -edge,
      vTo: side > 0 ? edge : -edge + across,
      width: Math.max(MIN_CRACK_WIDTH, radius * random.uniform(0.1, 0.2)),
      depth: Math.min(0.9, random.uniform(0.3, 0.75) * (1.15 - 0.45 * d)),
    });
    fragments.push({ cuts: [], motion: null });
  } else {
    if (random.chance(0.95 - 0.5 * d)) {
      // Squared draws: most displacements are small, a few are large.
      const lateral = random.sign() * 2 * radius * (0.2 + 0.8 * random.next() ** 2) * ease;
      const axial = radius * random.uniform(-0.45, 0.25) * random.next() * ease;
      const hinge = random.sign() * radius;
      movingMotion = {
        pivotU: uf - (main.nv * hinge) / main.nu,
        pivotV: hinge,
        angle: Math.max(-25, Math.min(25, random.normal(0, 9 * ease))) * deg,
        shiftU: moving * axial,
        shiftV: lateral,
      };
    }
    fragments.push({ cuts: [{ line: main, side: (-moving) as 1 | -1 }], motion: null });
    if (type === 'comminuted') {
      const wedge = planWedge(random, main, uf, radius, moving);
      wedgeReach = wedge.reach;
      fragments.push({ cuts: [{ line: main, side: moving }, { line: wedge.line, side: (-wedge.side) as 1 | -1 }], motion: movingMotion });
      // The butterfly sits between the two main fragments, so it goes half the way the moving one goes.
      const butterfly: Motion = movingMotion
        ? { ...wedge.motion, shiftU: wedge.motion.shiftU + movingMotion.shiftU / 2, shiftV: wedge.motion.shiftV + movingMotion.shiftV / 2 }
        : wedge.motion;
      fragments.push({ cuts: [{ line: main, side: moving }, { line: wedge.line, side: wedge.side }], motion: butterfly });
    } else {
      fragments.push({ cuts: [{ line: main, side: moving }], motion: movingMotion });
    }
  }

  // The break reaches this far from uf along the axis across the bone's width (both sides).
  const zoneRadius = maxWidthNear(bone, uf, radius * 4) + 1;
  // A crack's soft edge reaches 4 widths from its line (see crackFactor), plus a pixel and a half of slack.
  const crackReach = 4 * cracks.reduce((a, c) => Math.max(a, c.width), MIN_CRACK_WIDTH) + 1.5;
  const lineReach = (Math.abs(main.nv) * zoneRadius + jagAmplitude(main) + main.gap + crackReach) / Math.abs(main.nu);
  const moves = fragments.some((f) => f.motion !== null);
  const displacement = moves ? shiftAtBreak(fragments, main, radius) : 0;
  const near = Math.max(lineReach, wedgeReach) + radius * random.uniform(0.4, 1.2);
  const fade = Math.max(2 * radius, 2.5 * displacement, 5);
  // Overriding fragments reach back across the line; the window must hold all of them.
  const behind = lineReach + largestMotion(fragments, uf, lineReach + wedgeReach, zoneRadius) + 2;
  const window =
    moving > 0
      ? { full0: uf - behind, full1: uf + near, fade0: 2, fade1: fade }
      : { full0: uf - near, full1: uf + behind, fade0: fade, fade1: 2 };
  const zone = moves
    ? { u0: window.full0 - window.fade0, u1: window.full1 + window.fade1, halfWidth: zoneRadius }
    : { u0: uf - lineReach, u1: uf + lineReach, halfWidth: zoneRadius };
  const reachPx = moves ? largestMotion(fragments, (zone.u0 + zone.u1) / 2, (zone.u1 - zone.u0) / 2, zoneRadius) : 0;
  return {
    type,
    boneIndex,
    breakU: uf,
    fragments,
    cracks,
    window,
    zone,
    displacementPx: displacement,
    angulationDeg: Math.abs((movingMotion?.angle ?? 0) / deg),
    reachPx,
  };
}

function cutLine(random: Random, u: number, v: number, angle: number, radius: number, gap: number): CutLine {
  const roughness = Math.max(0.3, radius * random.uniform(0.04, 0.12));
  const jag = [0, 1, 2].map((k) => ({
    amplitude: (roughness / (k + 1)) * random.uniform(0.5, 1),
    frequency: ((k + 1) * random.uniform(1.5, 3.5)) / Math.max(2, radius),
    phase: random.uniform(0, 2 * Math.PI),
  }));
  return { u, v, nu: Math.cos(angle), nv: Math.sin(angle), jag, gap };
}

/** A butterfly fragment: a wedge between the main line and a second line, on one side of the bone. */
function planWedge(random: Random, main: CutLine, uf: number, radius: number, moving: 1 | -1) {
  const side = random.sign();
  const apexV = -side * random.uniform(0, 0.4) * radius;
  const apexU = uf - (main.nv * apexV) / main.nu;
  const beta = random.uniform(30, 60) * deg;
  const dirU = moving * Math.cos(beta);
  const dirV = side * Math.sin(beta);
  const line: CutLine = {
    ...cutLine(random, apexU, apexV, 0, radius, radius * random.uniform(0.07, 0.3)),
    nu: -dirV,
    nv: dirU,
  };
  // The wedge is the side of the second line holding a point between the two rays from the apex.
  const mainDirU = -main.nv * Math.sign(main.nu) * side;
  const mainDirV = main.nu * Math.sign(main.nu) * side;
  const inside = signedDistance(line, apexU + (mainDirU + dirU) * 0.5, apexV + (mainDirV + dirV) * 0.5);
  const wedgeSide = (inside >= 0 ? 1 : -1) as 1 | -1;
  const reach = ((radius * 1.3 + Math.abs(apexV)) / Math.tan(beta)) + Math.abs(apexU - uf) + 2;
  // Butterfly fragments tilt and drift a little; pushed far they would leave a hole no radiograph shows.
  const motion: Motion = {
    pivotU: apexU + moving * radius * 0.4,
    pivotV: side * radius * 0.6,
    angle: random.normal(0, 5) * deg,
    shiftU: moving * random.uniform(0, 0.15) * radius,
    shiftV: side * random.uniform(0.05, 0.3) * radius,
  };
  return { line, side: wedgeSide, reach, motion };
}

/** How far fragment ends move where they meet the main line: the displacement a reader would measure. */
function shiftAtBreak(fragments: Fragment[], main: CutLine, radius: number): number {
  let largest = 0;
  for (const f of fragments) {
    if (!f.motion) continue;
    for (const v of [-radius, 0, radius]) {
      const u = main.u - (main.nv * (v - main.v)) / main.nu;
      const moved = applyMotion(f.motion, u, v);
      largest = Math.max(largest, Math.hypot(moved.u - u, moved.v - v));
    }
  }
  return largest;
}

function maxWidthNear(bone: BoneShape, u: number, span: number): number {
  let w = 0;
  for (let k = 0; k <= 16; k++) w = Math.max(w, outlineReach(bone, u - span + (2 * span * k) / 16));
  return w;
}

/** The largest distance any fragment motion carries a point near the break (motion is affine: corners). */
function largestMotion(fragments: Fragment[], uf: number, reach: number, radius: number): number {
  let largest = 0;
  for (const f of fragments) {
    if (!f.motion) continue;
    for (const [u, v] of [[uf - reach, -radius], [uf - reach, radius], [uf + reach, -radius], [uf + reach, radius]] as const) {
      const moved = applyMotion(f.motion, u, v);
      largest = Math.max(largest, Math.hypot(moved.u - u, moved.v - v));
    }
  }
  return largest;
}
