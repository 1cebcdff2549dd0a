import { OsteonError } from '../errors.js';
import { getProject } from '../data/projects.js';
import { listImages } from '../data/images.js';
import { openStore } from '../data/store.js';
import type { Radiograph } from '../data/types.js';
import { validatePreprocessSpec } from '../imaging/preprocess.js';
import type { PreprocessSpec } from '../imaging/types.js';
import { resolveAugment } from './augment/config.js';
import { refreshTensorCache } from './cache/build.js';
import { augmentKeys, trainingOrder } from './order.js';
import { InlineRenderer, WorkerRenderer, type Renderer } from './render-pool.js';
import type { SampleRequest } from './render.js';
import type { AugmentConfig, BatchLoader, LabelledBatch, LoaderOptions, LoaderReport } from './types.js';

/**
 * The images a project trains and evaluates on: labelled with one of its classes, in a split, and not
 * excluded. Review status `new` counts as usable (import is enough to train; `excluded` is how a reviewer
 * takes an image out).
 */
export function usableImages(images: readonly Radiograph[], classes: readonly string[]): Radiograph[] {
  return images.filter((i) => i.status !== 'excluded' && i.label !== null && classes.includes(i.label) && i.split !== null);
}

/**
 * Opens the project's data for one split: refreshes the tensor cache (decoding only images it lacks; the
 * cache covers every usable image of the project, so the train, val and test loaders share one file), then
 * serves batches. Training loaders shuffle (or sample balanced) and augment per (seed, epoch, image);
 * evaluation loaders serve every image once, in id order, with the deterministic resize of `preprocess`.
 * Batches are rendered ahead on a worker thread while the caller trains on the current one.
 */
export async function createBatchLoader(options: LoaderOptions): Promise<BatchLoader> {
  validatePreprocessSpec(options.spec);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new OsteonError('INVALID_BATCH_SIZE', `Batch size ${options.batchSize} is not a whole number of at least 1.`);
  }
  const augment = resolveAugment(options.augment);
  const store = openStore(options.workspace);
  let selected: Radiograph[];
  let classes: string[];
  let report: LoaderReport;
  try {
    const project = getProject(store, options.projectId);
    classes = project.classes;
    const usable = usableImages(listImages(store, project.id), classes);
    const build = await refreshTensorCache(store, project.id, usable, {
      size: options.spec.size,
      resize: options.spec.resize,
      concurrency: options.decodeConcurrency,
      onProgress: options.onProgress,
    });
    const skippedIds = new Set(build.skipped.map((s) => s.imageId));
    const inSplit = usable.filter((i) => i.split === options.split);
    selected = inSplit.filter((i) => !skippedIds.has(i.id));
    report = {
      cacheFile: build.file,
      decoded: build.decoded,
      reused: build.reused,
      skipped: build.skipped.filter((s) => inSplit.some((i) => i.id === s.imageId)),
    };
  } finally {
    store.close();
  }
  const workers = options.workers ?? 1;
  const data = { cacheFile: report.cacheFile, spec: options.spec, augment };
  const renderer: Renderer = workers > 0 ? new WorkerRenderer(workers, data) : new InlineRenderer(data);
  return new CachedBatchLoader(options, augment, selected, classes, report, renderer);
}

class CachedBatchLoader implements BatchLoader {
  readonly size: number;
  readonly batchSize: number;
  readonly labels: Int32Array;
  readonly imageIds: readonly number[];
  private readonly spec: PreprocessSpec;
  private readonly prefetch: number;

  constructor(
    private readonly options: LoaderOptions,
    readonly augment: AugmentConfig,
    images: readonly Radiograph[],
    readonly classes: readonly string[],
    readonly report: LoaderReport,
    private readonly renderer: Renderer,
  ) {
    this.size = images.length;
    this.batchSize = options.batchSize;
    this.imageIds = images.map((i) => i.id);
    this.labels = Int32Array.from(images, (i) => classes.indexOf(i.label!));
    this.spec = options.spec;
    this.prefetch = Math.max(1, options.prefetch ?? 2);
  }

  /** The positions and augmentation keys of one epoch, cut into batches. */
  plan(epoch: number): Array<{ positions: number[]; requests: SampleRequest[] }> {
    const { seed, training } = this.options;
    const order = training ? trainingOrder(this.labels, seed, epoch, this.options.balancedSampling ?? false) : Array.from(this.labels, (_, i) => i);
    const keys = training ? augmentKeys(order, this.imageIds, seed, epoch) : null;
    const batches = [];
    for (let start = 0; start < order.length; start += this.batchSize) {
      const positions = order.slice(start, start + this.batchSize);
      const incomplete = positions.length < this.batchSize;
      // A training batch of one breaks batch norm, so it is dropped even without dropLast.
      if (training && incomplete && (this.options.dropLast || positions.length === 1)) break;
      const requests = positions.map((p, k) => ({ imageId: this.imageIds[p]!, key: keys ? keys[start + k]! : null }));
      batches.push({ positions, requests });
    }
    return batches;
  }

  async *epoch(index: number): AsyncGenerator<LabelledBatch> {
    const batches = this.plan(index);
    const inFlight: Array<Promise<Float32Array>> = [];
    let next = 0;
    const fill = () => {
      while (next < batches.length && inFlight.length < this.prefetch) {
        const job = this.renderer.render(batches[next++]!.requests);
        job.catch(() => undefined); // an abandoned epoch must not leave unhandled rejections
        inFlight.push(job);
      }
    };
    const { size, channels } = this.spec;
    for (const batch of batches) {
      fill();
      const data = await inFlight.shift()!;
      fill();
      yield {
        images: { data, shape: [batch.positions.length, size, size, channels] },
        labels: Int32Array.from(batch.positions, (p) => this.labels[p]!),
        imageIds: batch.positions.map((p) => this.imageIds[p]!),
      };
    }
  }

  close(): Promise<void> {
    return this.renderer.close();
  }
}
