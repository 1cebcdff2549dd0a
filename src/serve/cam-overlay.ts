import sharp from 'sharp';
import { resizeGrey } from '../imaging/resize.js';
import type { DecodedImage } from '../imaging/types.js';
import type { ImageMap } from './cam.js';

/**
 * Turbo, a perceptually smooth rainbow colour map (Mikhailov, Google 2019; polynomial fit, Apache-2.0):
 * dark blue at 0 through green and yellow to dark red at 1. Returns [r, g, b] in 0..255.
 */
export function turbo(t: number): [number, number, number] {
  const x = t < 0 ? 0 : t > 1 ? 1 : t;
  const r = 0.13572138 + x * (4.6153926 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
  const g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
  const b = 0.1066733 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
  const byte = (v: number) => Math.round(255 * (v < 0 ? 0 : v > 1 ? 1 : v));
  return [byte(r), byte(g), byte(b)];
}

/** Strongest colour weight where the map is 1; the radiograph stays visible beneath. */
const MAX_ALPHA = 0.6;

/**
 * A PNG of the grey radiograph with the map (values in [0, 1], laid over the whole image, at the size of the
 * PNG) blended over it in turbo colours, opacity growing with the map's value so cold regions stay grey.
 */
export async function camOverlayPng(image: DecodedImage, map: ImageMap): Promise<Uint8Array> {
  const { width, height } = map;
  const grey =
    image.width === width && image.height === height ? image.pixels : await resizeGrey(image, width, height, 'stretch');
  const toByte = image.bitsStored === 16 ? 255 / 65535 : 1;
  const rgb = Buffer.alloc(width * height * 3);
  const lut = Array.from({ length: 256 }, (_, i) => turbo(i / 255));
  for (let i = 0; i < width * height; i++) {
    const value = map.values[i]!;
    const g = grey[i]! * toByte;
    const alpha = MAX_ALPHA * value;
    const colour = lut[Math.round(value * 255)]!;
    rgb[3 * i] = Math.round(g * (1 - alpha) + colour[0] * alpha);
    rgb[3 * i + 1] = Math.round(g * (1 - alpha) + colour[1] * alpha);
    rgb[3 * i + 2] = Math.round(g * (1 - alpha) + colour[2] * alpha);
  }
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
