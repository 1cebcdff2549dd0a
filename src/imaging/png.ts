import { rawGreyInput, resizeGrey } from './resize.js';
import type { DecodedImage } from './types.js';

/**
 * Encodes grey pixels as PNG (16-bit stays 16-bit), optionally shrunk so the longer side is at most
 * `maxSide`: for thumbnails, previews and fixtures.
 */
export async function toPngBytes(
  image: Pick<DecodedImage, 'width' | 'height' | 'pixels' | 'bitsStored'>,
  options: { maxSide?: number } = {},
): Promise<Uint8Array> {
  let source = image;
  const longer = Math.max(image.width, image.height);
  if (options.maxSide !== undefined && longer > options.maxSide) {
    const width = Math.max(1, Math.round((image.width * options.maxSide) / longer));
    const height = Math.max(1, Math.round((image.height * options.maxSide) / longer));
    source = { width, height, bitsStored: image.bitsStored, pixels: await resizeGrey(image, width, height, 'stretch') };
  }
  const sixteen = source.bitsStored === 16;
  const png = await rawGreyInput(source).toColourspace(sixteen ? 'grey16' : 'b-w').png({ compressionLevel: 6 }).toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
