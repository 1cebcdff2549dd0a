import { decodeImage } from '../../imaging/decode.js';
import type { DecodedImage, DecodeLimits } from '../../imaging/types.js';
import { perceptualHash } from '../phash.js';

/** What import keeps of a decoded file: everything but its pixels, plus the perceptual hash of those pixels. */
export type ImageFingerprint = Omit<DecodedImage, 'pixels'> & { phash: string };

/** Decodes a file (recognised by content) and hashes its pixels; throws the decoder's specific error. */
export async function fingerprintImage(bytes: Uint8Array, limits?: Partial<DecodeLimits>): Promise<ImageFingerprint> {
  const image = await decodeImage(bytes, limits);
  const { pixels: _pixels, ...rest } = image;
  return { ...rest, phash: perceptualHash(image) };
}
