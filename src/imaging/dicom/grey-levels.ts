/**
 * From stored DICOM values to display grey levels (PS3.3 C.11): modality rescale, then a VOI transform
 * (a VOI LUT, a window, or when the file has neither a robust percentile window), then MONOCHROME1
 * inversion so bone ends bright.
 */

export type VoiTransform =
  | { kind: 'lut'; firstMapped: number; bits: number; table: Uint16Array }
  | { kind: 'window'; center: number; width: number; function: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID' }
  | { kind: 'percentile'; lowPercent: number; highPercent: number };

export interface GreyLevelSettings {
  rescaleSlope: number;
  rescaleIntercept: number;
  voi: VoiTransform;
  /** MONOCHROME1 (or an INVERSE presentation LUT): low values are white. */
  invert: boolean;
  outputBits: 8 | 16;
}

export const DEFAULT_PERCENTILE_WINDOW = { kind: 'percentile', lowPercent: 0.5, highPercent: 99.5 } as const;

/** Reads `count` stored values of `bitsStored` bits, masking unused high bits and sign-extending signed data. */
export function readStoredValues(
  bytes: Uint8Array,
  count: number,
  bytesPerSample: 1 | 2 | 4,
  bitsStored: number,
  signed: boolean,
  stride = 1,
  bigEndian = false,
): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Int32Array(count);
  const bits = Math.min(bitsStored, bytesPerSample * 8);
  const mask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  const signBit = 2 ** (bits - 1);
  for (let i = 0; i < count; i++) {
    const at = i * stride * bytesPerSample;
    let raw =
      bytesPerSample === 1 ? bytes[at]! : bytesPerSample === 2 ? view.getUint16(at, !bigEndian) : view.getUint32(at, !bigEndian);
    if (bits < 32) raw &= mask;
    values[i] = signed && raw >= signBit ? raw - 2 * signBit : raw;
  }
  return values;
}

function windowLevel(value: number, voi: Extract<VoiTransform, { kind: 'window' }>): number {
  const { center, width } = voi;
  if (voi.function === 'SIGMOID') return 1 / (1 + Math.exp((-4 * (value - center)) / width));
  if (voi.function === 'LINEAR_EXACT') return Math.min(1, Math.max(0, (value - center) / width + 0.5));
  // PS3.3 C.11.2.1.2.1: the centre sits between two stored values, the width counts them
  if (width <= 1) return value < center - 0.5 ? 0 : 1;
  return Math.min(1, Math.max(0, (value - (center - 0.5)) / (width - 1) + 0.5));
}

/** The values at two percentiles of `values`, from a histogram (exact for integer data spanning <= 65536 levels). */
export function percentileRange(values: Float32Array, lowPercent: number, highPercent: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && !Number.isInteger(v)) integral = false;
  }
  if (!(max > min)) return [min, max];
  const bins = integral && max - min < 65536 ? max - min + 1 : 4096;
  const scale = (bins - 1) / (max - min);
  const histogram = new Uint32Array(bins);
  for (const v of values) histogram[Math.round((v - min) * scale)]!++;
  const at = (percent: number): number => {
    const target = (percent / 100) * values.length;
    let seen = 0;
    for (let b = 0; b < bins; b++) {
      seen += histogram[b]!;
      if (seen > target) return min + b / scale;
    }
    return max;
  };
  return [at(lowPercent), at(highPercent)];
}

/** Applies rescale, VOI and inversion to stored values; returns grey levels of `outputBits` bits, bone bright. */
export function toGreyLevels(stored: Int32Array, settings: GreyLevelSettings): Uint8Array | Uint16Array {
  const { rescaleSlope: slope, rescaleIntercept: intercept, voi } = settings;
  const modality = new Float32Array(stored.length);
  for (let i = 0; i < stored.length; i++) modality[i] = stored[i]! * slope + intercept;

  const top = settings.outputBits === 16 ? 65535 : 255;
  const out = settings.outputBits === 16 ? new Uint16Array(stored.length) : new Uint8Array(stored.length);
  let level: (value: number) => number;
  if (voi.kind === 'lut') {
    const last = voi.table.length - 1;
    const scale = 1 / (2 ** voi.bits - 1);
    level = (v) => voi.table[Math.min(last, Math.max(0, Math.round(v) - voi.firstMapped))]! * scale;
  } else if (voi.kind === 'window') {
    level = (v) => windowLevel(v, voi);
  } else {
    const [low, high] = percentileRange(modality, voi.lowPercent, voi.highPercent);
    const span = high > low ? high - low : 1;
    level = (v) => Math.min(1, Math.max(0, (v - low) / span));
  }
  for (let i = 0; i < modality.length; i++) {
    const grey = Math.min(1, Math.max(0, level(modality[i]!)));
    out[i] = Math.round((settings.invert ? 1 - grey : grey) * top);
  }
  return out;
}
