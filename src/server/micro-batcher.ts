/** What a batched item learns of the batch it ran in. */
export interface BatchedResult<O> {
  output: O;
  /** Time from `submit` to the start of its batch's run. */
  queueMs: number;
  /** Duration of the batch's run. */
  runMs: number;
  batchSize: number;
}

export interface MicroBatcherOptions {
  /** Most items per run (the engine's batch size). */
  maxBatch: number;
  /** How long an idle batcher waits for company before running a lone item. */
  maxWaitMs: number;
}

/**
 * Gathers items submitted by concurrent requests into batches for one runner (`run` gets the items and
 * returns one output per item, in order). While a batch runs, new items queue up and go in the next batch,
 * so under load batches fill by themselves; when idle, the first item waits up to `maxWaitMs` for others.
 * One batch runs at a time.
 */
export class MicroBatcher<I, O> {
  private queue: { item: I; submittedAt: number; resolve: (r: BatchedResult<O>) => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  submit(item: I): Promise<BatchedResult<O>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, submittedAt: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a batch. */
  get pending(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.queue.length >= this.options.maxBatch || this.options.maxWaitMs <= 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running = true;
    const started = performance.now();
    this.run(batch.map((b) => b.item))
      .then(
        (outputs) => {
          const runMs = performance.now() - started;
          if (outputs.length !== batch.length) throw new Error(`the batch runner returned ${outputs.length} outputs for ${batch.length} items`);
          batch.forEach((b, i) => b.resolve({ output: outputs[i] as O, queueMs: started - b.submittedAt, runMs, batchSize: batch.length }));
        },
        (error: unknown) => {
          for (const b of batch) b.reject(error);
        },
      )
      .catch((error: unknown) => {
        for (const b of batch) b.reject(error);
      })
      .finally(() => {
        this.running = false;
        // Whatever queued during the run goes now: it has waited long enough.
        if (this.queue.length > 0) this.flush();
      });
  }
}
