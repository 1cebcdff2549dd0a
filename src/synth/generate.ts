import { OsteonError } from '../errors.js';
import { hashSeed, imageRandom, Random, Stream } from './random.js';
import { buildScene, type Scene } from './scene.js';
import { insideField, planExposure, type Exposure } from './exposure.js';
import { chooseFractureType, planFracture, type Fracture } from './fracture.js';
import { measureBreak } from './break-extent.js';
import { toImage } from './bone.js';
import { renderRadiograph } from './render.js';
import { TrabecularTexture } from './texture.js';
import type { SideMarker } from './marker.js';
import type { Rect } from './geometry.js';
import type { PixelBox, Radiograph, RadiographOptions, SynthLabel } from './types.js';

export const DEFAULT_SIZE = 256;
/**
 * 0 draws obvious breaks, 1 subtle ones. The default is where a small network trained for a minute on 2,000
 * images at 64 px lands well above chance and clearly below perfect (test/synth/learnability.test.ts); at 0.25
 * such runs reach about 0.63 AUROC and at 0.5 they stay at chance: the upper range is for harder benchmarks.
 */
export const DEFAULT_DIFFICULTY = 0.15;

/**
 * The label of image `index`: images come in pairs (2k, 2k+1) holding one fractured and one normal image in
 * an order drawn from (seed, k), so any even count is exactly half fractured and labels never depend on n.
 */
export function labelFor(seed: number, index: number): SynthLabel {
  const flip = hashSeed(seed, Math.floor(index / 2), Stream.label) & 1;
  return ((index & 1) ^ flip) === 1 ? 'fractured' : 'normal';
}

/**
 * Draws synthetic radiograph `index` of the set `seed`. The same (seed, index, options) always gives the same
 * pixels, whatever else is generated.
 */
export function generateRadiograph(seed: number, index: number, options: RadiographOptions = {}): Radiograph {
  const size = options.size ?? DEFAULT_SIZE;
  const difficulty = options.difficulty ?? DEFAULT_DIFFICULTY;
  validateOptions(size, difficulty);
  const label = options.label ?? labelFor(seed, index);

  const scene = buildScene(imageRandom(seed, index, Stream.anatomy), size, difficulty);
  const exposure = planExposure(imageRandom(seed, index, Stream.exposure), scene, size, difficulty);
  const texture = new TrabecularTexture(imageRandom(seed, index, Stream.texture), 0.5);
  const broken =
    label === 'fractured'
      ? placeFracture(imageRandom(seed, index, Stream.fracture), scene, exposure, texture, size, difficulty)
      : null;
  const marker = placeMarker(imageRandom(seed, index, Stream.marker), exposure, size, broken?.box ?? null);

  const pixels = renderRadiograph({
    size,
    scene,
    fracture: options.omitFracture ? null : (broken?.fracture ?? null),
    exposure,
    marker,
    texture,
    noise: imageRandom(seed, index, Stream.noise),
  });

  const fracture = broken
    ? {
        type: broken.fracture.type,
        bone: scene.bones[broken.fracture.boneIndex]!.name,
        boneKind: scene.bones[broken.fracture.boneIndex]!.kind,
        box: broken.box,
        displacementPx: round2(broken.fracture.displacementPx),
        angulationDeg: round2(broken.fracture.angulationDeg),
      }
    : null;
  return {
    pixels,
    width: size,
    height: size,
    truth: {
      index,
      label,
      bodyPart: scene.bodyPart,
      boneKind: scene.boneKind,
      sideMarker: marker?.letter ?? null,
      fracture,
    },
  };
}

function validateOptions(size: number, difficulty: number): void {
  if (!Number.isInteger(size) || size < 32 || size > 4096) {
    throw new OsteonError('SYNTH_BAD_SIZE', `Image size ${size} is not supported; give --size a whole number from 32 to 4096.`);
  }
  if (!(difficulty >= 0 && difficulty <= 1)) {
    throw new OsteonError('SYNTH_BAD_DIFFICULTY', `Difficulty ${difficulty} is out of range; give --difficulty a number from 0 to 1.`);
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

interface PlacedFracture {
  fracture: Fracture;
  box: PixelBox;
}

/**
 * Chooses a bone and a break that the image shows: inside the exposed field and the image, and with enough
 * contrast to survive 8 bits (less is asked at higher difficulty). Falls back to the best try.
 */
function placeFracture(
  random: Random,
  scene: Scene,
  exposure: Exposure,
  texture: TrabecularTexture,
  size: number,
  difficulty: number,
): PlacedFracture {
  const weights = Object.fromEntries(scene.breakWeights.map((w, i) => [String(i), w])) as Record<string, number>;
  const wantedContrast = 10 - 6 * difficulty;
  // The type is drawn once: retrying until a break shows must not turn faint types into obvious ones.
  const type = chooseFractureType(random, difficulty);
  let best: { placed: PlacedFracture; score: number } | null = null;
  for (let attempt = 0; attempt < 120; attempt++) {
    // The scene's site first (the view is centred toward it), near it next, then any bone that may break.
    const atSite = attempt < 20;
    const drawn = Number(random.weighted(weights));
    const boneIndex = atSite ? scene.site.boneIndex : drawn;
    const bone = scene.bones[boneIndex]!;
    const along = atSite ? Math.min(0.78, Math.max(0.22, scene.site.along + (attempt === 0 ? 0 : random.uniform(-0.12, 0.12)))) : undefined;
    // A break that changes no pixel at all (a hairline on a tiny image) falls back to a plain one.
    const fracture = planFracture(random, bone, boneIndex, { difficulty, type: attempt < 60 ? type : 'transverse', along });
    const centre = toImage(bone, fracture.breakU, 0);
    if (attempt < 40 && !insideField(exposure.collimation, size, centre.x, centre.y, size * 0.06)) continue;
    const extent = measureBreak(size, bone, fracture, texture, exposure, scene.typicalSoftTissue);
    if (!extent.box) continue;
    const score = Math.min(1, extent.contrast / wantedContrast) + visibleFraction(extent.box, size);
    const placed = { fracture, box: toPixelBox(extent.box, size) };
    if (score >= 2) return placed;
    if (!best || score > best.score) best = { placed, score };
    if (attempt >= 40) break;
  }
  if (!best) throw new Error('no break could be placed in view');
  return best.placed;
}

function visibleFraction(r: Rect, size: number): number {
  const area = (r.x1 - r.x0) * (r.y1 - r.y0);
  const w = Math.max(0, Math.min(size, r.x1) - Math.max(0, r.x0));
  const h = Math.max(0, Math.min(size, r.y1) - Math.max(0, r.y0));
  return area > 0 ? (w * h) / area : 0;
}

function toPixelBox(r: Rect, size: number): PixelBox {
  const clampTo = (x: number) => Math.max(0, Math.min(size, x));
  return [clampTo(Math.floor(r.x0)), clampTo(Math.floor(r.y0)), clampTo(Math.ceil(r.x1)), clampTo(Math.ceil(r.y1))];
}

/** A side marker in a corner of the field, away from the break when there is one. */
function placeMarker(random: Random, exposure: Exposure, size: number, avoid: PixelBox | null): SideMarker | null {
  if (!random.chance(0.45)) return null;
  const letter = random.chance(0.5) ? 'L' : 'R';
  const height = size * random.uniform(0.06, 0.11);
  const c = exposure.collimation;
  const left = c ? c.cx - c.halfWidth : 0;
  const top = c ? c.cy - c.halfHeight : 0;
  const right = c ? c.cx + c.halfWidth : size;
  const bottom = c ? c.cy + c.halfHeight : size;
  const inset = size * random.uniform(0.04, 0.08);
  const corners = [
    { x: left + inset, y: top + inset },
    { x: right - inset - height, y: top + inset },
    { x: left + inset, y: bottom - inset - height * 1.3 },
    { x: right - inset - height, y: bottom - inset - height * 1.3 },
  ];
  const start = random.int(0, 3);
  let chosen = corners[start]!;
  for (let k = 0; k < 4; k++) {
    const corner = corners[(start + k) % 4]!;
    const clear = !avoid || corner.x + height * 1.5 < avoid[0] || corner.x - height * 0.5 > avoid[2] ||
      corner.y + height * 1.8 < avoid[1] || corner.y - height * 0.5 > avoid[3];
    if (clear) {
      chosen = corner;
      break;
    }
  }
  return {
    letter,
    x: Math.max(2, Math.min(size - height, chosen.x)),
    y: Math.max(2, Math.min(size - height * 1.4, chosen.y)),
    height,
    angle: random.normal(0, 4) * (Math.PI / 180),
    level: random.uniform(0.9, 1),
    framed: random.chance(0.3),
  };
}
