import type { FastifyBaseLogger } from 'fastify';
import { InferenceEngine, type EngineOptions, type Prediction } from '../serve/engine/index.js';
import { MicroBatcher } from './micro-batcher.js';
import type { CatalogVersion, ModelCatalog } from './model-catalog.js';

/** One loaded version: its engine, the batcher in front of it, and the requests using it now. */
export class ServedModel {
  readonly batcher: MicroBatcher<Float32Array, Prediction>;
  private inFlight = 0;
  private retired = false;
  private freed: Promise<void> | null = null;
  private markFreed!: () => void;
  private readonly freedSignal = new Promise<void>((resolve) => (this.markFreed = resolve));

  constructor(
    readonly version: CatalogVersion,
    readonly engine: InferenceEngine,
    batchWaitMs: number,
  ) {
    this.batcher = new MicroBatcher((inputs) => engine.predictPreprocessed(inputs), { maxBatch: engine.batchSize, maxWaitMs: batchWaitMs });
  }

  /** Marks a request as using this model until the returned function is called. */
  use(): () => void {
    this.inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.retired && this.inFlight === 0) void this.free();
    };
  }

  /** No new requests come; the engine is freed once the last one in flight is done (the promise then resolves). */
  retire(): Promise<void> {
    this.retired = true;
    if (this.inFlight === 0) void this.free();
    return this.freedSignal;
  }

  /** Requests using this model now. */
  get busy(): number {
    return this.inFlight;
  }

  private free(): Promise<void> {
    this.freed ??= this.engine.release().finally(() => this.markFreed());
    return this.freed;
  }
}

export interface ModelHolderOptions {
  engine?: EngineOptions;
  /** How long an idle batcher waits for more requests (default 2 ms). */
  batchWaitMs?: number;
  log?: FastifyBaseLogger;
}

/**
 * The deployed model, kept in step with the registry: `refresh` notices a new deployment (from any process, by
 * the registry's stamp), loads the new version beside the old one, swaps, and lets the old one finish the
 * requests it holds before its engine is freed. No request fails because of a deployment.
 */
export class ModelHolder {
  private served: ServedModel | null = null;
  private stamp: string | null = null;
  private refreshing: Promise<void> | null = null;
  private watcher: NodeJS.Timeout | null = null;
  private readonly retiring = new Set<Promise<void>>();

  constructor(
    readonly catalog: ModelCatalog,
    private readonly options: ModelHolderOptions = {},
  ) {}

  /** The model requests should use now, or null when none is deployed. */
  get current(): ServedModel | null {
    return this.served;
  }

  /** Takes the current model for one request; call the returned `done` when finished with it. */
  acquire(): { model: ServedModel; done: () => void } | null {
    const model = this.served;
    return model ? { model, done: model.use() } : null;
  }

  /** Loads the deployed version when the registry's stamp changed (or when `force`); one refresh at a time. */
  refresh(force = false): Promise<void> {
    const next = (this.refreshing ?? Promise.resolve()).then(() => this.refreshOnce(force));
    this.refreshing = next.finally(() => {
      if (this.refreshing === next) this.refreshing = null;
    });
    return next;
  }

  /** Checks the registry every `intervalMs` (one stat each time). */
  watch(intervalMs: number): void {
    this.watcher ??= setInterval(() => {
      this.refresh().catch((error: unknown) => this.options.log?.error({ err: error }, 'model refresh failed'));
    }, intervalMs);
    this.watcher.unref();
  }

  /** Stops watching and frees every engine once its requests are done. */
  async close(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = null;
    await this.refreshing?.catch(() => undefined);
    if (this.served) this.retire(this.served);
    this.served = null;
    await Promise.all([...this.retiring]);
  }

  private async refreshOnce(force: boolean): Promise<void> {
    const stamp = this.catalog.currentStamp();
    if (!force && stamp === this.stamp) return;
    this.stamp = stamp;
    const wanted = this.catalog.current();
    const served = this.served;
    if (wanted === null) {
      this.served = null;
      if (served) this.retire(served);
      return;
    }
    if (served && served.version.version === wanted.version && served.version.sha256 === wanted.sha256) return;
    let engine: InferenceEngine;
    try {
      engine = await InferenceEngine.load(wanted.file, this.options.engine);
    } catch (error) {
      // Keep serving what works; the next deployment (a new stamp) tries again.
      this.options.log?.error({ err: error, version: wanted.version }, 'cannot load the deployed model; still serving the previous one');
      throw error;
    }
    this.served = new ServedModel(wanted, engine, this.options.batchWaitMs ?? 2);
    this.options.log?.info({ version: wanted.version, previous: served?.version.version ?? null }, 'model deployed');
    if (served) this.retire(served);
  }

  private retire(model: ServedModel): void {
    const freed = model.retire();
    this.retiring.add(freed);
    void freed.then(() => this.retiring.delete(freed));
  }
}
