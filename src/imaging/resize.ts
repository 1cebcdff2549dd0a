import sharp, { type FitEnum, type Sharp } from 'sharp';
import type { DecodedImage, PreprocessSpec } from './types.js';

export type ResizeMode = PreprocessSpec['resize'];

const FIT: Record<ResizeMode, keyof FitEnum> = { letterbox: 'contain', stretch: 'fill', 'center-crop': 'cover' };

/** Grey pixels as sharp reads raw input: the typed array's element size sets 8 or 16 bits. */
export function rawGreyInput(image: Pick<DecodedImage, 'width' | 'height' | 'pixels'>): Sharp {
  return sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 1 } });
}

/**
 * Resizes grey pixels to width x height, keeping their bit depth: `letterbox` fits the whole image and
 * pads the rest with black, centred; `stretch` ignores aspect; `center-crop` fills and crops the centre.
 * Lanczos-3 resampling, deterministic.
 */
export async function resizeGrey(
  image: Pick<DecodedImage, 'width' | 'height' | 'pixels' | 'bitsStored'>,
  width: number,
  height: number,
  mode: ResizeMode = 'letterbox',
): Promise<Uint8Array | Uint16Array> {
  const sixteen = image.bitsStored === 16;
  const { data, info } = await rawGreyInput(image)
    .resize(width, height, { fit: FIT[mode], position: 'centre', background: { r: 0, g: 0, b: 0, alpha: 1 }, kernel: 'lanczos3' })
    .toColourspace(sixteen ? 'grey16' : 'b-w')
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 || info.width !== width || info.height !== height) {
    throw new Error(`resize produced ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x1`);
  }
  if (!sixteen) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return data.byteOffset % 2 === 0 ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : new Uint16Array(Uint8Array.from(data).buffer);
}
