import { OsteonError } from '../errors.js';
import { EmbeddedJobQueue } from './embedded/queue.js';
import { startEmbeddedWorkerLoop } from './embedded/worker.js';
import './kinds/index.js';
import { RedisJobQueue } from './redis/queue.js';
import type { JobQueue, JobWorker, WorkOptions } from './types.js';

/** The queue the user asked for: `--queue URL`, else `OSTEON_QUEUE`; undefined means "run inline, no queue". */
export function configuredQueue(flag?: string): string | undefined {
  const url = flag ?? process.env.OSTEON_QUEUE;
  return url && url.trim() ? url.trim() : undefined;
}

/**
 * Opens a job queue: `embedded` (or nothing) is the workspace's own SQLite queue; `redis://HOST:PORT` is BullMQ,
 * one queue per workspace.
 */
export async function openJobQueue(options: { workspace: string; url?: string }): Promise<JobQueue> {
  const url = options.url ?? 'embedded';
  if (url === 'embedded') return new EmbeddedJobQueue(options.workspace);
  if (/^rediss?:\/\//.test(url)) return RedisJobQueue.open(url, options.workspace);
  throw new OsteonError('BAD_QUEUE', `Unknown queue "${url}": use --queue embedded or --queue redis://HOST:PORT.`);
}

/**
 * Runs the workspace's embedded queue inside the calling process (what `osteon serve` and `osteon worker`
 * without --queue do); jobs still run in child processes. Stop it before the process exits.
 */
export function startEmbeddedWorker(options: WorkOptions): JobWorker {
  return startEmbeddedWorkerLoop(options);
}
