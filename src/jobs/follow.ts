import { isOsteonError } from '../errors.js';
import type { JobEvent, JobQueue, JobStatus } from './types.js';

export interface FollowedJob {
  id: string;
  status: JobStatus;
  result: unknown;
  error: string | null;
}

/** Waits for every job, passing their events on; a failed or cancelled job is reported, not thrown. */
export async function followJobs(queue: JobQueue, ids: string[], onEvent?: (event: JobEvent) => void): Promise<FollowedJob[]> {
  const unsubscribe = onEvent ? ids.map((id) => queue.events(id, onEvent)) : [];
  try {
    return await Promise.all(ids.map(async (id) => {
      try {
        return { id, status: 'completed' as const, result: await queue.result(id), error: null };
      } catch (error) {
        if (!isOsteonError(error) || !['JOB_FAILED', 'JOB_CANCELLED'].includes(error.code)) throw error;
        const job = await queue.get(id);
        return { id, status: job.status, result: null, error: job.error };
      }
    }));
  } finally {
    for (const stop of unsubscribe) stop();
  }
}

/** A line for a person following jobs on a terminal: status changes, and progress that carries metrics or a new percent. */
export function jobEventPrinter(write: (line: string) => void): (event: JobEvent) => void {
  const lastPercent = new Map<string, number>();
  return (event) => {
    if (event.type === 'status') {
      write(`job ${event.jobId}: ${event.status}${event.error ? ` (${event.error})` : ''}`);
      return;
    }
    const percent = Math.floor(event.progress.percent / 10) * 10;
    if (!event.progress.metrics && lastPercent.get(event.jobId) === percent) return;
    lastPercent.set(event.jobId, percent);
    write(`job ${event.jobId}: ${event.progress.percent.toFixed(0)}% ${event.progress.message}`);
  };
}
