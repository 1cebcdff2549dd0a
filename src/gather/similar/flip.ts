import type { DecodedImage } from '../../imaging/types.js';

/** The image mirrored left to right. */
export function flipHorizontal(image: DecodedImage): DecodedImage {
  const { width, height } = image;
  const pixels = image.bitsStored === 16 ? new Uint16Array(width * height) : new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) pixels[row + x] = image.pixels[row + width - 1 - x]!;
  }
  return { ...image, pixels };
}
