import fs from 'node:fs';
import { OsteonError } from '../../errors.js';
import { getImage, readOriginal } from '../../data/images.js';
import type { DatasetStore } from '../../data/store.js';
import type { Radiograph } from '../../data/types.js';
import { decodeImage } from '../../imaging/decode.js';
import type { DecodedImage } from '../../imaging/types.js';
import { unitDistance } from '../../util/unit-distance.js';
import type { ImageEmbedder } from './embedder.js';
import { imagesWithoutEmbedding, loadEmbeddings, saveEmbeddings } from './embedding-store.js';
import { PerceptualEmbedder } from './perceptual-embedder.js';

/** What to find neighbours of: an image of the project, a file, or an image already decoded. */
export type SimilarTo = { imageId: number } | { file: string } | { image: DecodedImage };

export interface EmbedProgress {
  done: number;
  total: number;
}

export interface EmbedReport {
  /** Images that got a vector now. */
  embedded: number;
  /** Images whose original could not be decoded (they are left out of searches). */
  failed: Array<{ id: number; reason: string }>;
}

const BATCH = 16;

/**
 * Gives every image of the project a vector of `embedder` (only those without one: vectors are kept in the
 * store and reused), decoding the originals from the blob store.
 */
export async function embedProjectImages(
  store: DatasetStore,
  projectId: number,
  embedder: ImageEmbedder,
  onProgress?: (progress: EmbedProgress) => void,
): Promise<EmbedReport> {
  const missing = imagesWithoutEmbedding(store, projectId, embedder.id);
  const report: EmbedReport = { embedded: 0, failed: [] };
  for (let start = 0; start < missing.length; start += BATCH) {
    const decoded: Array<{ id: number; image: DecodedImage }> = [];
    for (const row of missing.slice(start, start + BATCH)) {
      try {
        decoded.push({ id: row.id, image: await decodeImage(readOriginal(store, row)) });
      } catch (error) {
        report.failed.push({ id: row.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    const vectors = await embedder.embed(decoded.map((d) => d.image));
    saveEmbeddings(store, embedder.id, decoded.map((d, i) => ({ imageId: d.id, vector: vectors[i]! })));
    report.embedded += decoded.length;
    onProgress?.({ done: Math.min(missing.length, start + BATCH), total: missing.length });
  }
  return report;
}

export interface SimilarOptions {
  /** How many neighbours (default 20). */
  k?: number;
  /** Default: the perceptual embedder (no model needed). */
  embedder?: ImageEmbedder;
  onProgress?: (progress: EmbedProgress) => void;
}

export interface SimilarImage {
  image: Radiograph;
  /** Euclidean distance between unit vectors, 0 (alike) to 2. */
  distance: number;
}

export interface SimilarResult {
  embedder: string;
  neighbours: SimilarImage[];
}

/**
 * The k images of the project nearest to `like` ("find more like this one"), nearest first, with their
 * distances; an image of the project is never its own neighbour. Embeds images that have no vector yet.
 */
export async function findSimilar(store: DatasetStore, projectId: number, like: SimilarTo, options: SimilarOptions = {}): Promise<SimilarResult> {
  const k = options.k ?? 20;
  if (!Number.isInteger(k) || k < 1) throw new OsteonError('BAD_OPTION', `--k must be a positive whole number, got ${k}.`);
  const embedder = options.embedder ?? new PerceptualEmbedder();
  await embedProjectImages(store, projectId, embedder, options.onProgress);
  const vectors = loadEmbeddings(store, projectId, embedder.id);

  let query: Float32Array;
  let self: number | undefined;
  if ('imageId' in like) {
    const image = getImage(store, like.imageId);
    if (!image || image.projectId !== projectId) {
      throw new OsteonError('IMAGE_NOT_FOUND', `No image ${like.imageId} in this project: list images with \`osteon dataset\` or give a file.`);
    }
    const stored = vectors.get(like.imageId);
    if (!stored) throw new OsteonError('IMAGE_UNREADABLE', `Image ${like.imageId}'s original cannot be decoded, so it has no neighbours; give a file instead.`);
    query = stored;
    self = like.imageId;
  } else {
    const image = 'image' in like ? like.image : await decodeImage(readFile(like.file));
    query = (await embedder.embed([image]))[0]!;
  }

  const ranked: Array<{ id: number; distance: number }> = [];
  for (const [id, vector] of vectors) if (id !== self) ranked.push({ id, distance: unitDistance(query, vector) });
  ranked.sort((a, b) => a.distance - b.distance || a.id - b.id);
  return {
    embedder: embedder.id,
    neighbours: ranked.slice(0, k).map((r) => ({ image: getImage(store, r.id)!, distance: r.distance })),
  };
}

function readFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new OsteonError('PATH_NOT_FOUND', `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check the path, or give an image id.`);
  }
}
