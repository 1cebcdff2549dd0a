import fs from 'node:fs';
import { OsteonError } from '../../errors.js';
import { readCacheIndex, type CacheEntry, type CacheIndex } from './format.js';

/** Grey pixels of one cached view: `side` x `side`, row-major, 8 or 16 bits. */
export interface CachedPlane {
  side: number;
  bits: 8 | 16;
  pixels: Uint8Array | Uint16Array;
}

/** Read access to a built cache file; cheap to open in a worker thread too. */
export class TensorCacheReader {
  private readonly fd: number;
  readonly index: CacheIndex;
  private readonly byImageId: Map<number, CacheEntry>;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'r');
    const index = readCacheIndex(this.fd);
    if (!index) {
      fs.closeSync(this.fd);
      throw new OsteonError('CACHE_CORRUPT', `The tensor cache ${file} is unreadable: delete it and it will be rebuilt.`);
    }
    this.index = index;
    this.byImageId = new Map(index.entries.map((e) => [e.imageId, e]));
  }

  entry(imageId: number): CacheEntry | undefined {
    return this.byImageId.get(imageId);
  }

  /** One plane of an entry: `evaluation` (size x size, as preprocess resizes) or `training` (with margin). */
  plane(entry: CacheEntry, which: 'evaluation' | 'training'): CachedPlane {
    const { size, marginSize } = this.index;
    const side = which === 'evaluation' ? size : marginSize;
    const bytesPerPixel = entry.bits / 8;
    const start = entry.offset + (which === 'evaluation' ? 0 : size * size * bytesPerPixel);
    // a fresh ArrayBuffer per read: aligned for 16-bit views, and safe to hand out
    const bytes = new Uint8Array(side * side * bytesPerPixel);
    const read = fs.readSync(this.fd, bytes, 0, bytes.length, start);
    if (read !== bytes.length) throw new OsteonError('CACHE_CORRUPT', `The tensor cache ${this.file} is truncated: delete it and it will be rebuilt.`);
    return { side, bits: entry.bits, pixels: entry.bits === 8 ? bytes : new Uint16Array(bytes.buffer) };
  }

  planes(entry: CacheEntry): { evaluation: CachedPlane; training: CachedPlane } {
    return { evaluation: this.plane(entry, 'evaluation'), training: this.plane(entry, 'training') };
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
