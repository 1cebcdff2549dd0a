import { OsteonError } from '../errors.js';
import { FINISHED, type JobInfo } from './types.js';

/** Polls a job until it finishes; its result, or the error that ended it. */
export async function waitForJob(get: () => Promise<JobInfo>, intervalMs = 250): Promise<unknown> {
  for (;;) {
    const job = await get();
    if (FINISHED.includes(job.status)) return outcome(job);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function outcome(job: JobInfo): unknown {
  if (job.status === 'completed') return job.result;
  if (job.status === 'cancelled') throw new OsteonError('JOB_CANCELLED', `Job ${job.id} was cancelled.`, { jobId: job.id });
  throw new OsteonError('JOB_FAILED', `Job ${job.id} (${job.kind}) failed: ${job.error ?? 'no reason recorded'}. ` +
    'See `osteon jobs show ID`; fix the cause and enqueue it again.', { jobId: job.id });
}
