/**
 * ITU-R BT.601 luma of interleaved RGB(A) samples: the weights PIL's `convert('L')` uses, so a colour
 * file gives the grey levels that most published training code saw (libvips' own b-w is CIELAB L*).
 */
export function luma<T extends Uint8Array | Uint16Array>(samples: T, channels: number): T {
  // One loop per array type keeps each loop monomorphic: a shared generic loop ran several times slower.
  // Radiographs saved in colour are nearly all grey pixels (R = G = B), whose luma is that level exactly.
  if (samples instanceof Uint8Array) return luma8(samples, channels) as T;
  return luma16(samples as Uint16Array, channels) as T;
}

function luma8(samples: Uint8Array, channels: number): Uint8Array {
  const count = (samples.length / channels) | 0;
  const grey = new Uint8Array(count);
  for (let i = 0, at = 0; i < count; i++, at += channels) {
    const r = samples[at]!;
    const g = samples[at + 1]!;
    const b = samples[at + 2]!;
    grey[i] = r === g && g === b ? r : Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  return grey;
}

function luma16(samples: Uint16Array, channels: number): Uint16Array {
  const count = (samples.length / channels) | 0;
  const grey = new Uint16Array(count);
  for (let i = 0, at = 0; i < count; i++, at += channels) {
    const r = samples[at]!;
    const g = samples[at + 1]!;
    const b = samples[at + 2]!;
    grey[i] = r === g && g === b ? r : Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  return grey;
}
