import type { JobInfo, JobProgress, JobStatus } from '../types.js';

export interface JobRow {
  id: string;
  kind: string;
  payload: string;
  status: JobStatus;
  group_id: string | null;
  progress: string | null;
  state: string | null;
  result: string | null;
  error: string | null;
  attempts: number;
  max_attempts: number;
  worker: string | null;
  heartbeat_ms: number | null;
  cancel_requested: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const parse = (text: string | null) => (text === null ? null : JSON.parse(text));

export const jobFromRow = (r: JobRow): JobInfo => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  payload: parse(r.payload),
  group: r.group_id,
  progress: parse(r.progress) as JobProgress | null,
  result: parse(r.result),
  error: r.error,
  attempts: r.attempts,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});
