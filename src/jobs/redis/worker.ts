import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { OsteonError } from '../../errors.js';
import { settleAbandoned } from '../embedded/settle.js';
import { workspaceId } from '../ids.js';
import { jobKind } from '../registry.js';
import { runJobInChild, type RunningJob } from '../run-in-child.js';
import type { JobWorker, WorkOptions } from '../types.js';
import { cancelKey, connectRedis, queueNameFor } from './connection.js';
import type { RedisJobData } from './queue.js';

const CANCEL_POLL_MS = 500;

/**
 * Works the Redis queue of the workspace at `options.workspace` (its id names the queue, so this worker hears
 * only jobs whose data it has). Each job runs in a child process; BullMQ's lock, renewed while the child runs,
 * lapses when this worker dies, and another worker's stalled-job check puts the job back to be resumed.
 */
export async function startRedisWorker(url: string, options: WorkOptions): Promise<JobWorker> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const queueName = queueNameFor(workspaceId(options.workspace));
  const connection = connectRedis(url);
  const stallMs = (options.stallSeconds ?? 30) * 1000;
  const running = new Set<RunningJob>();
  let stopping = false;

  const processJob = async (job: Job<RedisJobData>, token?: string) => {
    const kind = (() => {
      try {
        return jobKind(job.data.kind);
      } catch (error) {
        throw new UnrecoverableError((error as Error).message);
      }
    })();
    const attempt = job.attemptsStarted ?? job.attemptsMade + 1;
    const settle = (status: 'failed' | 'cancelled' | 'retrying', reason: string) =>
      settleAbandoned(options.workspace, { kind: job.data.kind, state: job.data.state }, status, reason, log);
    if (await connection.exists(cancelKey(queueName, job.id!))) {
      settle('cancelled', 'cancelled before it ran');
      throw new UnrecoverableError('JOB_CANCELLED: cancelled before it ran');
    }
    log(`job ${job.id} (${job.data.kind}): attempt ${attempt} of ${job.opts.attempts ?? 1}`);
    // Progress and state reach Redis in the order the job sent them.
    let writes: Promise<unknown> = Promise.resolve();
    const later = (write: () => Promise<unknown>) => {
      writes = writes.then(write).catch((error: Error) => log(`job ${job.id}: ${error.message}`));
    };
    const child = runJobInChild(kind, { jobId: job.id!, workspace: options.workspace, attempt, payload: job.data.payload, state: job.data.state }, {
      progress: (progress) => later(() => job.updateProgress(progress as unknown as object)),
      state: (state) => later(() => job.updateData({ ...job.data, state })),
    });
    running.add(child);
    let cancelled = false;
    const watch = setInterval(() => {
      void connection.exists(cancelKey(queueName, job.id!)).then((marked) => {
        if (marked && !cancelled) {
          cancelled = true;
          child.cancel();
        }
      }, () => undefined);
    }, CANCEL_POLL_MS);
    try {
      const result = await child.result;
      await writes;
      if (cancelled) throw new OsteonError('JOB_CANCELLED', 'cancelled as it finished');
      log(`job ${job.id}: completed`);
      return result;
    } catch (error) {
      await writes;
      const e = error as Error & { code?: string };
      log(`job ${job.id}: ${e.message}`);
      if (cancelled) {
        settle('cancelled', 'cancelled');
        throw new UnrecoverableError(`JOB_CANCELLED: ${e.message}`);
      }
      if (stopping) {
        // The worker is shutting down, not the job failing: back to the queue without using an attempt.
        settle('retrying', 'its worker stopped');
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (e.code !== 'JOB_CRASHED') throw new UnrecoverableError(`${e.code ?? 'JOB_FAILED'}: ${e.message}`);
      settle(attempt < (job.opts.attempts ?? 1) ? 'retrying' : 'failed', e.message);
      throw error;
    } finally {
      clearInterval(watch);
      running.delete(child);
    }
  };

  const worker = new Worker<RedisJobData>(queueName, processJob, {
    connection,
    concurrency: Math.max(1, options.concurrency ?? 1),
    lockDuration: stallMs,
    stalledInterval: Math.max(500, Math.round(stallMs / 2)),
    maxStalledCount: 2,
  });
  worker.on('error', (error) => log(`worker: ${error.message}`));
  // A job that stalled too often is failed by BullMQ itself; its run must not stay `running`.
  worker.on('failed', (job, error) => {
    if (job && /stalled/i.test(error.message)) settleAbandoned(options.workspace, { kind: job.data.kind, state: job.data.state }, 'failed', error.message, log);
  });
  worker.on('stalled', (jobId) => log(`job ${jobId}: its worker stopped answering; back in the queue`));
  await worker.waitUntilReady();
  log(`worker: working ${queueName} at ${url} for ${options.workspace} (concurrency ${options.concurrency ?? 1})`);

  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      for (const child of running) child.cancel();
      await worker.close();
      connection.disconnect();
    },
  };
}
