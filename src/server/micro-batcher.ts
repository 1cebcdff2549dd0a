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
  /** How long a queued item waits for company when no other item is on its way. */
  maxWaitMs: number;
  /** How long a queued item waits for announced items still on their way (decoding); default 30 ms. */
  maxHoldMs?: number;
}

/** An item on its way: announced when its request arrives, so the batch it should join waits for it. */
export interface Arrival<I, O> {
  submit(item: I): Promise<BatchedResult<O>>;
  /** The item will not come (its request failed before it was ready). */
  cancel(): void;
}

interface Queued<I, O> {
  item: I;
  submittedAt: number;
  resolve: (r: BatchedResult<O>) => void;
  reject: (e: unknown) => void;
}

/**
 * Gathers items submitted by concurrent requests into batches for one runner (`run` gets the items and
 * returns one output per item, in order). One batch runs at a time; while it runs, new items queue up for the
 * next. Requests announce themselves on arrival (`arrive`), before their image is decoded: closed-loop clients
 * send their next requests together when a batch answers, and without the announcement the first of them to
 * finish decoding would run alone, splitting the load into small, slow batches.
 */
export class MicroBatcher<I, O> {
  private queue: Queued<I, O>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private announced = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  /** Announces an item that is on its way; its batch waits for it (up to `maxHoldMs`). */
  arrive(): Arrival<I, O> {
    this.announced++;
    let settled = false;
    const settle = () => {
      if (settled) throw new Error('an arrival is submitted or cancelled once');
      settled = true;
      this.announced--;
    };
    return {
      submit: (item) => {
        settle();
        return this.enqueue(item);
      },
      cancel: () => {
        settle();
        this.schedule();
      },
    };
  }

  submit(item: I): Promise<BatchedResult<O>> {
    return this.arrive().submit(item);
  }

  /** Items waiting for a batch. */
  get pending(): number {
    return this.queue.length;
  }

  private enqueue(item: I): Promise<BatchedResult<O>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, submittedAt: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.queue.length >= this.options.maxBatch) {
      this.flush();
      return;
    }
    const wait = this.announced > 0 ? (this.options.maxHoldMs ?? 30) : this.options.maxWaitMs;
    const due = this.queue[0]!.submittedAt + wait - performance.now();
    if (due <= 0) {
      this.flush();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), due);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running = true;
    const started = performance.now();
    this.run(batch.map((b) => b.item))
      .then((outputs) => {
        const runMs = performance.now() - started;
        if (outputs.length !== batch.length) throw new Error(`the batch runner returned ${outputs.length} outputs for ${batch.length} items`);
        batch.forEach((b, i) => b.resolve({ output: outputs[i] as O, queueMs: started - b.submittedAt, runMs, batchSize: batch.length }));
      })
      .catch((error: unknown) => {
        for (const b of batch) b.reject(error);
      })
      .finally(() => {
        this.running = false;
        this.schedule();
      });
  }
}
