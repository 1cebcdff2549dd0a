import sharp from 'sharp';
import { decodeImage } from '../../imaging/index.js';
import { toPngBytes } from '../../imaging/index.js';

/** Longest side of a thumbnail, in pixels: the grid asks for small ones, the detail view for larger. */
export const THUMBNAIL_SIDES = [96, 160, 256, 512] as const;

const MAX_CACHED = 2000;

/**
 * Downsized JPEG views of originals (any format the importer reads, DICOM included), kept in memory by content
 * hash and side so a grid that is scrolled back and forth decodes each original once.
 */
export class ThumbnailCache {
  private readonly cache = new Map<string, Buffer>();

  async get(sha256: string, side: number, readOriginal: () => Uint8Array): Promise<Buffer> {
    const key = `${sha256}:${side}`;
    const hit = this.cache.get(key);
    if (hit) {
      // re-insert: the Map's order is the eviction order
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const image = await decodeImage(readOriginal());
    const png = await toPngBytes(image, { maxSide: side });
    const jpeg = await sharp(png).jpeg({ quality: 82 }).toBuffer();
    this.cache.set(key, jpeg);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return jpeg;
  }
}

/** The smallest standard side at least as large as asked (so the cache holds few sizes). */
export function thumbnailSide(asked: number): number {
  return THUMBNAIL_SIDES.find((s) => s >= asked) ?? THUMBNAIL_SIDES[THUMBNAIL_SIDES.length - 1]!;
}
