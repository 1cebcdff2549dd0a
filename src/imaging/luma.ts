/**
 * ITU-R BT.601 luma of interleaved RGB(A) samples: the weights PIL's `convert('L')` uses, so a colour
 * file gives the grey levels that most published training code saw (libvips' own b-w is CIELAB L*).
 */
export function luma<T extends Uint8Array | Uint16Array>(samples: T, channels: number): T {
  const count = samples.length / channels;
  const grey = (samples instanceof Uint16Array ? new Uint16Array(count) : new Uint8Array(count)) as T;
  for (let i = 0, at = 0; i < count; i++, at += channels) {
    grey[i] = Math.round(0.299 * samples[at]! + 0.587 * samples[at + 1]! + 0.114 * samples[at + 2]!);
  }
  return grey;
}
