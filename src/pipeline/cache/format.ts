import fs from 'node:fs';
import type { PreprocessSpec } from '../../imaging/types.js';

/**
 * The tensor cache file: every usable image of a project decoded once, grey, at one input size.
 *
 *   "OSTCACHE"                      8 bytes
 *   planes of image 1, image 2 ...  each: eval plane (size x size) then train plane (marginSize x marginSize),
 *                                   8 or 16 bits per pixel (as the image was decoded), little-endian,
 *                                   each image starting on an 8-byte boundary
 *   index                           UTF-8 JSON: CacheIndex
 *   footer                          16 bytes: index offset (u64 LE), index length (u32 LE), "OSTC"
 *
 * The index sits at the end so a build can stream planes to disk as decodes finish. Readers take planes
 * with positional reads (the file may be larger than memory); the page cache keeps hot ones in RAM.
 * 16-bit sources (DICOM) keep 16 bits so the evaluation view stays bit-identical to `preprocess`.
 */
export const CACHE_MAGIC = Buffer.from('OSTCACHE', 'latin1');
export const FOOTER_MAGIC = Buffer.from('OSTC', 'latin1');
export const FOOTER_BYTES = 16;
export const CACHE_VERSION = 1;

/** Training crops sample from a plane this much larger than the input, so moderate zooms keep full detail. */
export const CROP_MARGIN = 1.15;

export interface CacheEntry {
  imageId: number;
  /** SHA-256 of the original file: the pixels depend on the content alone. */
  sha256: string;
  bits: 8 | 16;
  /** Byte offset of the eval plane; the train plane follows it. */
  offset: number;
}

export interface CacheIndex {
  version: number;
  size: number;
  marginSize: number;
  resize: PreprocessSpec['resize'];
  entries: CacheEntry[];
  /** Content that could not be decoded: not retried while it stays the same (blobs never change). */
  failed: FailedEntry[];
}

export interface FailedEntry {
  sha256: string;
  reason: string;
  /** The blob was missing rather than bad: retried once it is back. */
  missing: boolean;
}

export function marginSizeFor(size: number): number {
  return Math.round(size * CROP_MARGIN);
}

export function entryBytes(index: Pick<CacheIndex, 'size' | 'marginSize'>, bits: 8 | 16): number {
  return (index.size * index.size + index.marginSize * index.marginSize) * (bits / 8);
}

export function alignTo8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** Reads the index of a cache file; null when the file is missing, truncated or of another version. */
export function readCacheIndex(fd: number): CacheIndex | null {
  const { size: fileSize } = fs.fstatSync(fd);
  if (fileSize < CACHE_MAGIC.length + FOOTER_BYTES) return null;
  const footer = Buffer.alloc(FOOTER_BYTES);
  fs.readSync(fd, footer, 0, FOOTER_BYTES, fileSize - FOOTER_BYTES);
  if (!footer.subarray(12, 16).equals(FOOTER_MAGIC)) return null;
  const indexOffset = Number(footer.readBigUInt64LE(0));
  const indexLength = footer.readUInt32LE(8);
  if (indexOffset + indexLength + FOOTER_BYTES !== fileSize) return null;
  const head = Buffer.alloc(CACHE_MAGIC.length);
  fs.readSync(fd, head, 0, head.length, 0);
  if (!head.equals(CACHE_MAGIC)) return null;
  const json = Buffer.alloc(indexLength);
  fs.readSync(fd, json, 0, indexLength, indexOffset);
  try {
    const index = JSON.parse(json.toString('utf8')) as CacheIndex;
    return index.version === CACHE_VERSION ? index : null;
  } catch {
    return null;
  }
}

export function encodeFooter(indexOffset: number, indexLength: number): Buffer {
  const footer = Buffer.alloc(FOOTER_BYTES);
  footer.writeBigUInt64LE(BigInt(indexOffset), 0);
  footer.writeUInt32LE(indexLength, 8);
  FOOTER_MAGIC.copy(footer, 12);
  return footer;
}
