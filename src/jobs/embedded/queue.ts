import { openStore, type DatasetStore } from '../../data/index.js';
import { OsteonError } from '../../errors.js';
import { newJobId } from '../ids.js';
import { jobKind } from '../registry.js';
import type { EnqueueOptions, JobEvent, JobInfo, JobQueue, JobStatus, JobWorker, WorkOptions } from '../types.js';
import { waitForJob } from '../wait.js';
import { jobFromRow, type JobRow } from './rows.js';
import { settleAbandoned } from './settle.js';
import { startEmbeddedWorkerLoop } from './worker.js';

/** The default queue: jobs are rows of the workspace's own SQLite store, worked by `osteon worker` or `osteon serve`. */
export class EmbeddedJobQueue implements JobQueue {
  readonly name = 'embedded';
  private readonly store: DatasetStore;

  constructor(readonly workspace: string) {
    this.store = openStore(workspace);
  }

  async enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<JobInfo> {
    jobKind(kind);
    const id = newJobId();
    this.store.db
      .prepare(`INSERT INTO jobs (id, kind, payload, status, group_id, max_attempts, created_at) VALUES (?, ?, ?, 'queued', ?, ?, ?)`)
      .run(id, kind, JSON.stringify(payload ?? null), options.group ?? null, options.maxAttempts ?? 3, new Date().toISOString());
    return this.get(id);
  }

  async get(id: string): Promise<JobInfo> {
    const row = this.store.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!row) throw new OsteonError('JOB_NOT_FOUND', `No job "${id}" in this workspace. List jobs with \`osteon jobs list\`.`);
    return jobFromRow(row);
  }

  async list(filter: { group?: string; status?: JobStatus } = {}): Promise<JobInfo[]> {
    const rows = this.store.db
      .prepare('SELECT * FROM jobs WHERE (@group IS NULL OR group_id = @group) AND (@status IS NULL OR status = @status) ORDER BY created_at, rowid')
      .all({ group: filter.group ?? null, status: filter.status ?? null }) as JobRow[];
    return rows.map(jobFromRow);
  }

  async cancel(id: string): Promise<JobInfo> {
    await this.get(id);
    const db = this.store.db;
    const cancelledQueued = db.transaction(() => {
      const changed = db.prepare(`UPDATE jobs SET status = 'cancelled', finished_at = ?, error = 'cancelled before it ran' WHERE id = ? AND status = 'queued'`)
        .run(new Date().toISOString(), id).changes;
      if (changed) addEvent(this.store, { type: 'status', jobId: id, status: 'cancelled' });
      else db.prepare(`UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND status = 'running'`).run(id);
      return changed > 0;
    }).immediate();
    // A retry waiting in the queue may hold a run an earlier attempt left resumable.
    if (cancelledQueued) {
      const row = db.prepare('SELECT kind, state FROM jobs WHERE id = ?').get(id) as Pick<JobRow, 'kind' | 'state'>;
      settleAbandoned(this.workspace, { kind: row.kind, state: row.state ? JSON.parse(row.state) : undefined }, 'cancelled', 'cancelled before it ran');
    }
    return this.get(id);
  }

  result(id: string): Promise<unknown> {
    return waitForJob(() => this.get(id));
  }

  events(id: string, listener: (event: JobEvent) => void): () => void {
    let last = 0;
    const poll = () => {
      const rows = this.store.db.prepare('SELECT id, event FROM job_events WHERE job_id = ? AND id > ? ORDER BY id').all(id, last) as Array<{ id: number; event: string }>;
      for (const row of rows) {
        last = row.id;
        listener(JSON.parse(row.event) as JobEvent);
      }
    };
    const timer = setInterval(poll, 200);
    poll();
    return () => clearInterval(timer);
  }

  async work(options: WorkOptions): Promise<JobWorker> {
    return startEmbeddedWorkerLoop(options);
  }

  async close(): Promise<void> {
    this.store.close();
  }
}

export function addEvent(store: DatasetStore, event: JobEvent): void {
  store.db.prepare('INSERT INTO job_events (job_id, event) VALUES (?, ?)').run(event.jobId, JSON.stringify(event));
}
