import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import { OsteonError } from '../errors.js';
import { siblingModule } from './sibling-module.js';

/** A request as it travels to a worker thread, tagged so its reply finds its caller. */
interface Envelope<Request> {
  job: number;
  request: Request;
}

/** An error crosses the thread boundary as its message and, for a user-facing error, its code. */
type Reply<Result> = { job: number; result: Result } | { job: number; error: string; code?: string };

interface Waiter<Result> {
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

/**
 * Starts a worker thread on a sibling module: the compiled `.js` when running from dist/; from source, a
 * bootstrap that registers tsx inside the thread first (Node 20 does not apply `--import` hooks to a
 * worker's entry module).
 */
function startWorker(moduleUrl: URL, workerData?: unknown): Worker {
  const { file, compiled } = siblingModule(moduleUrl);
  if (compiled) return new Worker(file, { workerData });
  const source = pathToFileURL(file).href;
  // require.resolve finds the CommonJS build; its ES module sibling is the one that registers ESM hooks.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Worker threads that each serve requests with the handler their module passes to `serveRequests`; a request
 * goes to the thread with the fewest pending. A thread that dies fails its pending requests and every later
 * one sent to it, never silently.
 */
export class WorkerPool<Request, Result> {
  private readonly threads: Array<{ worker: Worker; pending: Map<number, Waiter<Result>>; failure: Error | null }>;
  private nextJob = 0;
  private closed = false;

  /** `what` names the threads' work in errors, e.g. "the batch rendering thread". */
  constructor(moduleUrl: URL, count: number, private readonly what: string, workerData?: unknown) {
    this.threads = Array.from({ length: Math.max(1, count) }, () => {
      const worker = startWorker(moduleUrl, workerData);
      const pending = new Map<number, Waiter<Result>>();
      const slot = { worker, pending, failure: null as Error | null };
      worker.on('message', (reply: Reply<Result>) => {
        const waiter = pending.get(reply.job);
        pending.delete(reply.job);
        if (!waiter) return;
        if ('error' in reply) waiter.reject(reply.code ? new OsteonError(reply.code, reply.error) : new Error(reply.error));
        else waiter.resolve(reply.result);
      });
      const failAll = (error: Error) => {
        slot.failure ??= error;
        for (const waiter of pending.values()) waiter.reject(error);
        pending.clear();
      };
      worker.on('error', failAll);
      worker.on('exit', (code) => {
        if (!this.closed) failAll(new Error(`${this.what} stopped (exit code ${code})`));
      });
      return slot;
    });
  }

  /** Runs one request; its buffers are copied to the thread. */
  run(request: Request): Promise<Result> {
    if (this.closed) return Promise.reject(new Error(`${this.what} is closed`));
    const target = this.threads.reduce((best, t) => (t.pending.size < best.pending.size ? t : best));
    if (target.failure) return Promise.reject(target.failure);
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      target.pending.set(job, { resolve, reject });
      target.worker.postMessage({ job, request } satisfies Envelope<Request>);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.threads) {
      for (const waiter of t.pending.values()) waiter.reject(new Error(`${this.what} is closed`));
      t.pending.clear();
    }
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

/**
 * Inside a pool's thread: answers each request with `handle`, several at once when it is asynchronous.
 * `transferOf` names the buffers of a result to hand back without copying.
 */
export function serveRequests<Request, Result>(
  handle: (request: Request) => Result | Promise<Result>,
  transferOf: (result: Result) => ArrayBuffer[] = () => [],
): void {
  const port = parentPort;
  if (!port) throw new Error('serveRequests runs inside a worker thread');
  port.on('message', async ({ job, request }: Envelope<Request>) => {
    try {
      const result = await handle(request);
      port.postMessage({ job, result } satisfies Reply<Result>, transferOf(result));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ job, error: message, code: error instanceof OsteonError ? error.code : undefined } satisfies Reply<Result>);
    }
  });
}
