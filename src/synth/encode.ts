import sharp from 'sharp';

/**
 * Encodes 8-bit grey pixels as a one-channel PNG. The options are fixed so that the same pixels always give
 * the same bytes (sharp writes no timestamps or metadata by default).
 */
export function encodeGreyPng(pixels: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6, adaptiveFiltering: false, palette: false })
    .toBuffer();
}
