import type { Random } from './random.js';
import type { Scene } from './scene.js';
import type { Exposure } from './exposure.js';
import { outsideField, type Collimation } from './exposure.js';
import { boneAttenuation, maxHalfWidth, toImage, type BoneShape } from './bone.js';
import { crackFactor, fragmentCoverage, restPoint, type Fracture } from './fracture.js';
import { softTissueAttenuation, softTissueExtent } from './soft-tissue.js';
import { boundsOf, pixelRange, type Rect } from './geometry.js';
import { gaussianBlur } from './blur.js';
import { drawSideMarker, type SideMarker } from './marker.js';
import type { TrabecularTexture } from './texture.js';

export interface RenderInput {
  size: number;
  scene: Scene;
  /** The break to draw, or null. */
  fracture: Fracture | null;
  exposure: Exposure;
  marker: SideMarker | null;
  texture: TrabecularTexture;
  /** Pixel noise; must start at the same state for renders that are compared. */
  noise: Random;
}

/**
 * Draws the radiograph: soft tissue and bone attenuation, detector blur, quantum noise, display curve,
 * collimation and side marker. Returns 8-bit grey pixels, bone bright.
 */
export function renderRadiograph(input: RenderInput): Uint8Array {
  const { size, scene, fracture, exposure } = input;
  const attenuation = softTissueMap(scene, size);
  scene.bones.forEach((bone, i) => {
    addBone(attenuation, size, bone, fracture && fracture.boneIndex === i ? fracture : null, input.texture);
  });
  const blurred = gaussianBlur(attenuation, size, size, exposure.blurSigma);
  const display = toDisplay(blurred, size, exposure, input.noise);
  if (exposure.collimation) applyCollimation(display, size, exposure.collimation);
  if (input.marker) drawSideMarker(display, size, size, input.marker);
  return quantize(display, exposure.gamma);
}

const LEVELS = 4096;

/** Display values in [0, 1] through the gamma curve to 8 bits (a table: one lookup per pixel). */
function quantize(display: Float32Array, gamma: number): Uint8Array {
  const table = new Uint8Array(LEVELS + 1);
  for (let k = 0; k <= LEVELS; k++) table[k] = Math.round(255 * Math.pow(k / LEVELS, gamma));
  const pixels = new Uint8Array(display.length);
  for (let i = 0; i < display.length; i++) {
    const d = display[i]!;
    pixels[i] = table[d <= 0 ? 0 : d >= 1 ? LEVELS : (d * LEVELS + 0.5) | 0]!;
  }
  return pixels;
}

function applyCollimation(display: Float32Array, size: number, c: Collimation): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = outsideField(c, x, y);
      if (t > 0) display[y * size + x] = display[y * size + x]! * (1 - t) + c.outside * t;
    }
  }
}

/** The soft-tissue envelope: overlapping segments join by their thickest chord, not their sum. */
function softTissueMap(scene: Scene, size: number): Float32Array {
  const map = new Float32Array(size * size);
  for (const segment of scene.softTissue) {
    const { min, max } = softTissueExtent(segment);
    const r = pixelRange({ x0: min.x, y0: min.y, x1: max.x, y1: max.y }, size, size);
    for (let y = r.y0; y < r.y1; y++) {
      for (let x = r.x0; x < r.x1; x++) {
        const a = softTissueAttenuation(segment, x, y);
        const i = y * size + x;
        if (a > map[i]!) map[i] = a;
      }
    }
  }
  return map;
}

function intersect(r: Rect, clip: Rect | undefined): Rect {
  if (!clip) return r;
  return { x0: Math.max(r.x0, clip.x0), y0: Math.max(r.y0, clip.y0), x1: Math.min(r.x1, clip.x1), y1: Math.min(r.y1, clip.y1) };
}

/** Pixels that the break can change: its zone, widened by how far fragments move. */
export function breakRange(bone: BoneShape, size: number, fracture: Fracture): Rect {
  const { u0, u1, halfWidth: w } = fracture.zone;
  const corners = [toImage(bone, u0, -w), toImage(bone, u0, w), toImage(bone, u1, -w), toImage(bone, u1, w)];
  return pixelRange(boundsOf(corners, fracture.reachPx + 2), size, size);
}

/** Pixels that one bone (broken or not) can touch. */
export function boneRange(bone: BoneShape, size: number, fracture: Fracture | null): Rect {
  const margin = fracture ? fracture.reachPx + 1 : 0;
  const w = maxHalfWidth(bone) + margin;
  const corners = [toImage(bone, 0, -w), toImage(bone, 0, w), toImage(bone, bone.length, -w), toImage(bone, bone.length, w)];
  return pixelRange(boundsOf(corners, 1), size, size);
}

/**
 * Adds one bone's attenuation to `target` (row-major, `size` wide), broken when `fracture` is given, within
 * `clip` when given.
 */
export function addBone(
  target: Float32Array,
  size: number,
  bone: BoneShape,
  fracture: Fracture | null,
  texture: TrabecularTexture,
  clip?: Rect,
): void {
  if (fracture) {
    addBrokenBone(target, size, bone, fracture, texture, clip);
    return;
  }
  const r = intersect(boneRange(bone, size, null), clip);
  const { x: ax, y: ay } = bone.axis;
  for (let y = r.y0; y < r.y1; y++) {
    const dy = y - bone.origin.y;
    for (let x = r.x0; x < r.x1; x++) {
      const dx = x - bone.origin.x;
      const a = boneAttenuation(bone, dx * ax + dy * ay, -dx * ay + dy * ax, texture);
      if (a > 0) target[y * size + x]! += a;
    }
  }
}

/**
 * Draws each fragment: a pixel shows the rest point its fragment's motion carried there, if that point lies
 * on the fragment's side of its cuts. Far from the break this is exactly the unbroken bone.
 */
function addBrokenBone(
  target: Float32Array,
  size: number,
  bone: BoneShape,
  fracture: Fracture,
  texture: TrabecularTexture,
  clip?: Rect,
): void {
  const widest2 = maxHalfWidth(bone) ** 2;
  const moved = intersect(boneRange(bone, size, fracture), clip);
  const still = intersect(boneRange(bone, size, null), clip);
  const { x: ax, y: ay } = bone.axis;
  const p = { u: 0, v: 0 };
  for (const fragment of fracture.fragments) {
    const r = fragment.motion ? moved : still;
    for (let y = r.y0; y < r.y1; y++) {
      const dy = y - bone.origin.y;
      for (let x = r.x0; x < r.x1; x++) {
        const dx = x - bone.origin.x;
        const u = dx * ax + dy * ay;
        const v = -dx * ay + dy * ax;
        if (fragment.motion) restPoint(fracture, fragment.motion, u, v, p);
        else {
          p.u = u;
          p.v = v;
        }
        if (p.v * p.v >= widest2) continue;
        const coverage = fragmentCoverage(fragment, p.u, p.v);
        if (coverage === 0) continue;
        let a = boneAttenuation(bone, p.u, p.v, texture);
        if (a === 0) continue;
        if (coverage !== 1) a *= coverage;
        if (fracture.cracks.length > 0) a *= crackFactor(fracture, p.u, p.v);
        target[y * size + x]! += a;
      }
    }
  }
}

/**
 * Log-domain display: attenuation, plus the heel effect's gradient and any grid lines, through a film-like
 * curve, with photon noise that grows behind bone.
 */
function toDisplay(attenuation: Float32Array, size: number, exposure: Exposure, noise: Random): Float32Array {
  const display = new Float32Array(attenuation.length);
  const k = exposure.curve;
  const norm = (1 - exposure.offset) / (1 - Math.exp(-k));
  // Tables over attenuation 0..TABLE_RANGE: the noise amplitude and the display curve.
  const step = TABLE_RANGE / TABLE_SIZE;
  const noiseScale = new Float32Array(TABLE_SIZE + 1);
  const curve = new Float32Array(TABLE_SIZE + 2);
  for (let j = 0; j <= TABLE_SIZE; j++) {
    noiseScale[j] = exposure.noise * Math.exp(0.5 * j * step);
    curve[j] = exposure.offset + norm * (1 - Math.exp((-k * j * step) / exposure.reference));
  }
  curve[TABLE_SIZE + 1] = curve[TABLE_SIZE]!;
  const { x: gx, y: gy } = exposure.gradient;
  const grid = exposure.grid;
  const gridAt = (t: number) => (grid ? grid.amplitude * Math.sin((2 * Math.PI * t) / grid.period) : 0);
  const columnTerm = new Float32Array(size);
  for (let x = 0; x < size; x++) columnTerm[x] = (gx * x) / size + (grid?.vertical ? gridAt(x) : 0);
  for (let y = 0; y < size; y++) {
    const rowTerm = gy * (y / size - 0.5) - 0.5 * gx + (grid && !grid.vertical ? gridAt(y) : 0);
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const a = attenuation[i]! + rowTerm + columnTerm[x]!;
      const at = a <= 0 ? 0 : a >= TABLE_RANGE ? TABLE_SIZE : (a / step) | 0;
      const noisy = a + noise.fastNormal() * noiseScale[at]!;
      const t = noisy <= 0 ? 0 : noisy >= TABLE_RANGE ? TABLE_SIZE : noisy / step;
      const j = t | 0;
      const f = t - j;
      display[i] = curve[j]! * (1 - f) + curve[j + 1]! * f;
    }
  }
  return display;
}

/** How much the display value changes per unit of attenuation at attenuation `a` (before gamma). */
export function displaySlope(exposure: Exposure, a: number): number {
  const k = exposure.curve;
  const norm = (1 - exposure.offset) / (1 - Math.exp(-k));
  return ((norm * k) / exposure.reference) * Math.exp((-k * a) / exposure.reference);
}

const TABLE_SIZE = 2048;
const TABLE_RANGE = 6;
