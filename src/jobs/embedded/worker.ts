import crypto from 'node:crypto';
import os from 'node:os';
import { openStore } from '../../data/index.js';
import { processAlive } from '../../util/process-alive.js';
import { jobKind } from '../registry.js';
import { runJobInChild, type RunningJob } from '../run-in-child.js';
import type { JobStatus, JobWorker, WorkOptions } from '../types.js';
import { EVENT_RETENTION_MS, pruneFinishedJobEvents } from './prune-events.js';
import { addEvent } from './queue.js';
import { jobFromRow, type JobRow } from './rows.js';
import { settleAbandoned } from './settle.js';

const POLL_MS = 300;
const HEARTBEAT_MS = 1000;
const PRUNE_MS = 3600 * 1000;

/** `host:pid:nonce`: the host and pid let a restarted worker on the same machine see at once that a job's worker died. */
const workerName = () => `${os.hostname()}:${process.pid}:${crypto.randomBytes(2).toString('hex')}`;

/**
 * Works the embedded queue of `options.workspace`: claims queued jobs (one transaction, so two workers never take
 * the same job), runs each in a child process, beats a heartbeat while it runs, and takes back the jobs of
 * workers that died: retried while attempts remain, failed with the reason otherwise.
 */
export function startEmbeddedWorkerLoop(options: WorkOptions): JobWorker {
  const store = openStore(options.workspace);
  const db = store.db;
  const me = workerName();
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const stallMs = (options.stallSeconds ?? 30) * 1000;
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const running = new Map<string, { job: RunningJob; done: Promise<void> }>();
  let stopping = false;

  const now = () => new Date().toISOString();
  const setStatus = (id: string, status: JobStatus, fields: Record<string, unknown>, error: string | null = null) => {
    const names = Object.keys(fields);
    db.prepare(`UPDATE jobs SET status = ?, error = ?, worker = NULL${names.map((n) => `, ${n} = ?`).join('')} WHERE id = ? AND worker = ?`)
      .run(status, error, ...Object.values(fields), id, me);
    addEvent(store, { type: 'status', jobId: id, status, error });
  };
  const stateOf = (id: string) => {
    const row = db.prepare('SELECT state FROM jobs WHERE id = ?').get(id) as { state: string | null } | undefined;
    return row?.state ? (JSON.parse(row.state) as Record<string, unknown>) : undefined;
  };

  const claim = db.transaction((): JobRow | undefined => {
    const row = db.prepare(`SELECT * FROM jobs WHERE status = 'queued' ORDER BY created_at, rowid LIMIT 1`).get() as JobRow | undefined;
    if (!row) return undefined;
    db.prepare(`UPDATE jobs SET status = 'running', worker = ?, heartbeat_ms = ?, attempts = attempts + 1, started_at = COALESCE(started_at, ?)
                WHERE id = ?`).run(me, Date.now(), now(), row.id);
    return db.prepare('SELECT * FROM jobs WHERE id = ?').get(row.id) as JobRow;
  });

  /** Jobs marked running whose worker is gone: silent past the stall limit, or a dead process on this host. */
  const reclaimAbandoned = () => {
    const rows = db.prepare(`SELECT * FROM jobs WHERE status = 'running' AND worker IS NOT NULL AND worker != ?`).all(me) as JobRow[];
    for (const row of rows) {
      const [host, pid] = row.worker!.split(':');
      const silent = Date.now() - (row.heartbeat_ms ?? 0) > stallMs;
      const dead = host === os.hostname() && !processAlive(Number(pid));
      if (!silent && !dead) continue;
      const retry = row.attempts < row.max_attempts && row.cancel_requested === 0;
      const reason = `its worker ${row.worker} stopped ${dead ? '(the process is gone)' : `answering for ${Math.round(stallMs / 1000)} s`}`;
      const changed = db.prepare(`UPDATE jobs SET status = ?, worker = NULL, error = ?, finished_at = ? WHERE id = ? AND worker = ? AND status = 'running'`)
        .run(retry ? 'queued' : row.cancel_requested ? 'cancelled' : 'failed', retry ? null : reason, retry ? null : now(), row.id, row.worker).changes;
      if (!changed) continue;
      const status = retry ? 'queued' : row.cancel_requested ? 'cancelled' : 'failed';
      addEvent(store, { type: 'status', jobId: row.id, status, error: reason });
      log(`job ${row.id}: ${reason}; ${retry ? `retrying (attempt ${row.attempts + 1} of ${row.max_attempts})` : status}`);
      settleAbandoned(options.workspace, { kind: row.kind, state: row.state ? JSON.parse(row.state) : undefined }, retry ? 'retrying' : status === 'cancelled' ? 'cancelled' : 'failed', reason, log);
    }
  };

  const start = (row: JobRow) => {
    const info = jobFromRow(row);
    log(`job ${row.id} (${row.kind}): attempt ${row.attempts} of ${row.max_attempts}`);
    addEvent(store, { type: 'status', jobId: row.id, status: 'running' });
    let kind;
    try {
      kind = jobKind(row.kind);
    } catch (error) {
      setStatus(row.id, 'failed', { finished_at: now() }, (error as Error).message);
      return;
    }
    const job = runJobInChild(kind, { jobId: row.id, workspace: options.workspace, attempt: row.attempts, payload: info.payload, state: stateOf(row.id) }, {
      progress: (progress) => {
        db.prepare('UPDATE jobs SET progress = ? WHERE id = ?').run(JSON.stringify(progress), row.id);
        addEvent(store, { type: 'progress', jobId: row.id, progress });
      },
      state: (state) => db.prepare('UPDATE jobs SET state = ? WHERE id = ?').run(JSON.stringify(state), row.id),
    });
    const done = job.result.then(
      (result) => {
        setStatus(row.id, 'completed', { result: JSON.stringify(result ?? null), finished_at: now() });
        log(`job ${row.id}: completed`);
      },
      (error: Error & { code?: string }) => {
        const current = db.prepare('SELECT attempts, max_attempts, cancel_requested FROM jobs WHERE id = ?').get(row.id) as JobRow;
        const settle = (status: 'failed' | 'cancelled' | 'retrying') => settleAbandoned(options.workspace, { kind: row.kind, state: stateOf(row.id) }, status, error.message, log);
        if (current.cancel_requested) {
          setStatus(row.id, 'cancelled', { finished_at: now() }, 'cancelled');
          settle('cancelled');
        } else if (stopping) {
          // The worker is shutting down, not the job failing: give the attempt back.
          setStatus(row.id, 'queued', { attempts: Math.max(0, current.attempts - 1) });
          settle('retrying');
        } else if (error.code === 'JOB_CRASHED' && current.attempts < current.max_attempts) {
          setStatus(row.id, 'queued', {}, error.message);
          settle('retrying');
        } else {
          setStatus(row.id, 'failed', { finished_at: now() }, error.message);
          if (error.code === 'JOB_CRASHED') settle('failed');
        }
        log(`job ${row.id}: ${error.message}`);
      },
    ).finally(() => running.delete(row.id));
    running.set(row.id, { job, done });
  };

  const tick = () => {
    if (stopping) return;
    try {
      reclaimAbandoned();
      while (running.size < concurrency) {
        const row = claim.immediate();
        if (!row) break;
        start(row);
      }
    } catch (error) {
      log(`worker: ${(error as Error).message}`);
    }
  };

  const heartbeat = () => {
    if (running.size === 0) return;
    try {
      const ids = [...running.keys()];
      db.prepare(`UPDATE jobs SET heartbeat_ms = ? WHERE worker = ? AND id IN (${ids.map(() => '?').join(',')})`).run(Date.now(), me, ...ids);
      const cancelled = db.prepare(`SELECT id FROM jobs WHERE cancel_requested = 1 AND worker = ?`).all(me) as Array<{ id: string }>;
      for (const { id } of cancelled) running.get(id)?.job.cancel();
    } catch (error) {
      log(`worker: ${(error as Error).message}`);
    }
  };

  const prune = () => {
    try {
      const pruned = pruneFinishedJobEvents(store, new Date(Date.now() - EVENT_RETENTION_MS));
      if (pruned > 0) log(`worker: pruned ${pruned} progress events of jobs finished over a week ago`);
    } catch (error) {
      log(`worker: ${(error as Error).message}`);
    }
  };
  const pollTimer = setInterval(tick, POLL_MS);
  const pruneTimer = setInterval(prune, PRUNE_MS);
  prune();
  const beatTimer = setInterval(heartbeat, Math.min(HEARTBEAT_MS, stallMs / 3));
  log(`worker ${me}: working the embedded queue of ${options.workspace} (concurrency ${concurrency})`);
  tick();

  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(pollTimer);
      clearInterval(pruneTimer);
      for (const { job } of running.values()) job.cancel();
      while (running.size > 0) {
        heartbeat();
        await Promise.all([...running.values()].map((r) => r.done));
      }
      clearInterval(beatTimer);
      store.close();
    },
  };
}
