import { openJobQueue, startEmbeddedWorker, type JobQueue, type JobWorker } from '../jobs/index.js';

export interface JobServiceOptions {
  workspace: string;
  /** `embedded` (default: the workspace's own queue) or `redis://HOST:PORT`. */
  queueUrl?: string;
  /**
   * Whether this process also works the queue's jobs (in child processes), and how many at once. Default: one at
   * a time on the embedded queue; none on Redis, whose jobs separate `osteon worker` processes take.
   */
  worker?: { concurrency: number; stallSeconds?: number } | false;
}

/** The queue a server enqueues to, and the worker it runs, if any. */
export interface JobService {
  queue: JobQueue;
  worker: JobWorker | null;
  /** Starts the worker (a no-op when it is not wanted); separate so its log can go to the server's. */
  startWorker(log: (message: string) => void): Promise<void>;
  /** Stops the worker (its running jobs go back to the queue, resumable) and closes the queue. */
  close(): Promise<void>;
}

export async function openJobService(options: JobServiceOptions): Promise<JobService> {
  const url = options.queueUrl ?? 'embedded';
  const queue = await openJobQueue({ workspace: options.workspace, url });
  const wanted = options.worker ?? (queue.name === 'embedded' ? { concurrency: 1 } : false);
  let closing: Promise<void> | null = null;
  const service: JobService = {
    queue,
    worker: null,
    async startWorker(log) {
      if (!wanted || service.worker || closing) return;
      const work = { workspace: options.workspace, concurrency: wanted.concurrency, stallSeconds: wanted.stallSeconds, log };
      service.worker = queue.name === 'embedded' ? startEmbeddedWorker(work) : await queue.work(work);
    },
    close: () =>
      (closing ??= (async () => {
        try {
          await service.worker?.stop();
        } finally {
          await queue.close();
        }
      })()),
  };
  return service;
}
