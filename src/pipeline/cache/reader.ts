import fs from 'node:fs';
import { OsteonError } from '../../errors.js';
import { entryBytes, readCacheIndex, type CacheEntry, type CacheIndex } from './format.js';

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

  /** Both planes of an entry in one read. */
  planes(entry: CacheEntry): { evaluation: CachedPlane; training: CachedPlane } {
    const { size, marginSize } = this.index;
    const bytes = Buffer.allocUnsafe(entryBytes(this.index, entry.bits));
    const read = fs.readSync(this.fd, bytes, 0, bytes.length, entry.offset);
    if (read !== bytes.length) throw new OsteonError('CACHE_CORRUPT', `The tensor cache ${this.file} is truncated: delete it and it will be rebuilt.`);
    const evalCount = size * size;
    const trainCount = marginSize * marginSize;
    // allocUnsafe may hand out a slice of a shared pool; a 16-bit view needs an even offset.
    const aligned = bytes.byteOffset % 2 === 0 ? bytes : Buffer.from(bytes);
    const make = (start: number, count: number) =>
      entry.bits === 8
        ? new Uint8Array(aligned.buffer, aligned.byteOffset + start, count)
        : new Uint16Array(aligned.buffer, aligned.byteOffset + start * 2, count);
    return {
      evaluation: { side: size, bits: entry.bits, pixels: make(0, evalCount) },
      training: { side: marginSize, bits: entry.bits, pixels: make(evalCount, trainCount) },
    };
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
