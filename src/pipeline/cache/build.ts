import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeImage } from '../../imaging/decode.js';
import { resizeGrey } from '../../imaging/resize.js';
import type { DecodeLimits, PreprocessSpec } from '../../imaging/types.js';
import type { DatasetStore } from '../../data/store.js';
import type { Radiograph } from '../../data/types.js';
import { workspacePaths } from '../../util/workspace.js';
import {
  alignTo8,
  CACHE_MAGIC,
  CACHE_VERSION,
  encodeFooter,
  entryBytes,
  marginSizeFor,
  readCacheIndex,
  type CacheEntry,
  type CacheIndex,
  type FailedEntry,
} from './format.js';

/** An image left out of the cache, and why (its file is missing or cannot be decoded). */
export interface SkippedImage {
  imageId: number;
  file: string;
  reason: string;
}

export interface CacheBuildOptions {
  size: number;
  resize: PreprocessSpec['resize'];
  /** Images decoded at once (default: the core count). */
  concurrency?: number;
  decodeLimits?: Partial<DecodeLimits>;
  onProgress?: (message: string, done: number, total: number) => void;
}

export interface CacheBuildReport {
  file: string;
  /** Images decoded by this call (new or changed content). */
  decoded: number;
  /** Images whose planes were kept from the previous file. */
  reused: number;
  /** True when the file was (re)written. */
  written: boolean;
  skipped: SkippedImage[];
}

/** One file per (project, input size, resize policy); channels are repeated at batch time, so they share it. */
export function cacheFileFor(workspace: string, projectId: number, size: number, resize: PreprocessSpec['resize']): string {
  return path.join(workspacePaths(workspace).cache, `project-${projectId}-${size}px-${resize}.osteoncache`);
}

interface DecodedPlanes {
  bits: 8 | 16;
  bytes: Uint8Array;
}

/**
 * Brings the cache file up to date for `images`: planes of images whose content the file already holds are
 * copied, the others are decoded (in parallel, `concurrency` at a time). Nothing is written when the file
 * already holds exactly these images. The new file replaces the old one atomically; images that cannot be
 * read are skipped and reported, never fatal.
 */
export async function refreshTensorCache(
  store: DatasetStore,
  projectId: number,
  images: readonly Radiograph[],
  options: CacheBuildOptions,
): Promise<CacheBuildReport> {
  const file = cacheFileFor(store.root, projectId, options.size, options.resize);
  const layout = { size: options.size, marginSize: marginSizeFor(options.size) };
  const previous = openPrevious(file, options);
  try {
    const old = new Map((previous?.index.entries ?? []).map((e) => [e.sha256, e]));
    const knownBad = new Map(
      (previous?.index.failed ?? []).filter((f) => !(f.missing && store.blobs.has(f.sha256))).map((f) => [f.sha256, f]),
    );
    const failedBefore = images.flatMap((image) => {
      const bad = knownBad.get(image.sha256);
      return bad && !old.has(image.sha256) ? [{ image, bad }] : [];
    });
    const stillBad = new Set(failedBefore.map((f) => f.image));
    const usable = images.filter((image) => !stillBad.has(image));
    const wanted = usable.map((image) => ({ image, old: old.get(image.sha256) }));
    const skippedBefore: SkippedImage[] = failedBefore.map(({ image, bad }) => ({ imageId: image.id, file: image.sourcePath, reason: bad.reason }));
    const unchanged =
      previous !== null &&
      previous.index.entries.length === usable.length &&
      wanted.every((w) => w.old !== undefined && w.old.imageId === w.image.id);
    if (unchanged) return { file, decoded: 0, reused: usable.length, written: false, skipped: skippedBefore };

    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
    const out = fs.openSync(tmp, 'w');
    let position = 0;
    const append = (bytes: Uint8Array) => {
      const start = position;
      fs.writeSync(out, bytes, 0, bytes.length, start);
      position = alignTo8(start + bytes.length);
      return start;
    };
    try {
      append(CACHE_MAGIC);
      const entries: CacheEntry[] = [];
      const toDecode: Radiograph[] = [];
      for (const { image, old: kept } of wanted) {
        if (kept && previous) {
          const bytes = Buffer.allocUnsafe(entryBytes(layout, kept.bits));
          fs.readSync(previous.fd, bytes, 0, bytes.length, kept.offset);
          entries.push({ imageId: image.id, sha256: image.sha256, bits: kept.bits, offset: append(bytes) });
        } else {
          toDecode.push(image);
        }
      }
      const skipped: SkippedImage[] = [];
      const failed: FailedEntry[] = failedBefore.map(({ bad }) => bad);
      let done = 0;
      options.onProgress?.('decoding', 0, toDecode.length);
      await forEachLimited(toDecode, options.concurrency ?? os.availableParallelism(), async (image) => {
        try {
          const planes = await decodePlanes(store, image, layout, options);
          entries.push({ imageId: image.id, sha256: image.sha256, bits: planes.bits, offset: append(planes.bytes) });
        } catch (error) {
          const missing = !store.blobs.has(image.sha256);
          const reason = missing ? 'the original file is missing from the blob store' : error instanceof Error ? error.message : String(error);
          skipped.push({ imageId: image.id, file: image.sourcePath, reason });
          failed.push({ sha256: image.sha256, reason, missing });
        }
        options.onProgress?.('decoding', ++done, toDecode.length);
      });
      entries.sort((a, b) => a.imageId - b.imageId);
      const index: CacheIndex = { version: CACHE_VERSION, ...layout, resize: options.resize, entries, failed };
      const json = Buffer.from(JSON.stringify(index), 'utf8');
      const indexOffset = append(json);
      fs.writeSync(out, encodeFooter(indexOffset, json.length), 0, 16, indexOffset + json.length);
      fs.fsyncSync(out);
      fs.closeSync(out);
      fs.renameSync(tmp, file);
      syncFolder(path.dirname(file));
      const decodedCount = toDecode.length - skipped.length;
      skipped.push(...skippedBefore);
      skipped.sort((a, b) => a.imageId - b.imageId);
      return { file, decoded: decodedCount, reused: usable.length - toDecode.length, written: true, skipped };
    } catch (error) {
      try {
        fs.closeSync(out);
      } catch {
        // already closed
      }
      fs.rmSync(tmp, { force: true });
      throw error;
    }
  } finally {
    if (previous) fs.closeSync(previous.fd);
  }
}

function openPrevious(file: string, options: CacheBuildOptions): { fd: number; index: CacheIndex } | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  const index = readCacheIndex(fd);
  if (!index || index.size !== options.size || index.marginSize !== marginSizeFor(options.size) || index.resize !== options.resize) {
    fs.closeSync(fd);
    return null;
  }
  return { fd, index };
}

/** Decodes one original and resizes it twice: exactly as `preprocess` does, and with the crop margin. */
async function decodePlanes(
  store: DatasetStore,
  image: Radiograph,
  layout: { size: number; marginSize: number },
  options: CacheBuildOptions,
): Promise<DecodedPlanes> {
  const decoded = await decodeImage(store.blobs.read(image.sha256), options.decodeLimits);
  const [evaluation, training] = await Promise.all([
    resizeGrey(decoded, layout.size, layout.size, options.resize),
    resizeGrey(decoded, layout.marginSize, layout.marginSize, options.resize),
  ]);
  const bits = decoded.bitsStored;
  const bytes = new Uint8Array(entryBytes(layout, bits));
  const view = bits === 8 ? bytes : new Uint16Array(bytes.buffer);
  view.set(evaluation, 0);
  view.set(training, evaluation.length);
  return { bits, bytes };
}

async function forEachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

function syncFolder(folder: string): void {
  const fd = fs.openSync(folder, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
