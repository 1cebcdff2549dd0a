/** What the synthetic radiograph generator draws and what it reports about each image. */

export type FractureType = 'transverse' | 'oblique' | 'comminuted' | 'hairline';
export const FRACTURE_TYPES: readonly FractureType[] = ['transverse', 'oblique', 'comminuted', 'hairline'];

export type SynthLabel = 'fractured' | 'normal';

export type BodyPart = 'forearm' | 'lower-leg' | 'upper-arm' | 'thigh' | 'hand' | 'foot' | 'fingers';

/** Long bones (radius, tibia, ...) or the small tubular bones of hands and feet (metacarpals, phalanges, ...). */
export type BoneKind = 'long' | 'small';

/** [x0, y0, x1, y1] in pixels; x0, y0 inclusive, x1, y1 exclusive. */
export type PixelBox = [number, number, number, number];

export interface FractureTruth {
  type: FractureType;
  /** The bone that is broken, e.g. `radius`, `metacarpal`. */
  bone: string;
  boneKind: BoneKind;
  /** Covers every pixel the break changes: fracture lines, gaps and displaced fragment ends, blur included. */
  box: PixelBox;
  /** Largest shift of a fragment end at the break, in pixels (0 for undisplaced breaks). */
  displacementPx: number;
  /** Angle between the fragments' axes, in degrees. */
  angulationDeg: number;
}

export interface RadiographTruth {
  index: number;
  label: SynthLabel;
  bodyPart: BodyPart;
  /** Kind of the bones that dominate the view. */
  boneKind: BoneKind;
  /** `L` or `R` when a side marker is drawn. */
  sideMarker: 'L' | 'R' | null;
  /** Present for fractured images only. */
  fracture: FractureTruth | null;
}

export interface RadiographOptions {
  /** Square image side in pixels (default 256). */
  size?: number;
  /** 0 = obvious fractures, clean images; 1 = subtle breaks, noisy images (default 0.5). */
  difficulty?: number;
  /** Overrides the label the (seed, index) pair would get. */
  label?: SynthLabel;
  /**
   * Renders a fractured image without its break, everything else identical: pixels that differ from the
   * fractured render are the drawn break. For tests and for masks of the break.
   */
  omitFracture?: boolean;
}

export interface Radiograph {
  /** Row-major 8-bit grey pixels, bone bright. */
  pixels: Uint8Array;
  width: number;
  height: number;
  truth: RadiographTruth;
}
