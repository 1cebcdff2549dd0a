import type { DatasetStore } from '../../data/index.js';

/** How long a finished job keeps every progress event (a page following it replays them); its status events stay. */
export const EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * Deletes the progress events of jobs finished before `finishedBefore`, except each job's last one. A training job
 * reports up to twice a second, so a workspace that trains every day would otherwise grow by megabytes a day of
 * events nobody replays: the run's own epochs are in the store. Returns how many events went.
 */
export function pruneFinishedJobEvents(store: DatasetStore, finishedBefore: Date): number {
  return store.db.prepare(`
    DELETE FROM job_events
    WHERE job_id IN (SELECT id FROM jobs WHERE status IN ('completed', 'failed', 'cancelled') AND finished_at < ?)
      AND json_extract(event, '$.type') = 'progress'
      AND id NOT IN (SELECT MAX(id) FROM job_events WHERE json_extract(event, '$.type') = 'progress' GROUP BY job_id)
  `).run(finishedBefore.toISOString()).changes;
}
