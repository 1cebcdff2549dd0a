import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type DatasetStore } from '../../data/index.js';
import { pruneFinishedJobEvents } from './prune-events.js';

let dir: string;
let store: DatasetStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-prune-'));
  store = openStore(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function job(id: string, status: string, finishedAt: string | null, progressEvents: number): void {
  store.db.prepare(`INSERT INTO jobs (id, kind, payload, status, created_at, finished_at) VALUES (?, 'train', '{}', ?, ?, ?)`)
    .run(id, status, '2026-01-01T00:00:00.000Z', finishedAt);
  const add = store.db.prepare('INSERT INTO job_events (job_id, event) VALUES (?, ?)');
  add.run(id, JSON.stringify({ type: 'status', jobId: id, status: 'running' }));
  for (let i = 0; i < progressEvents; i++) add.run(id, JSON.stringify({ type: 'progress', jobId: id, progress: { percent: i } }));
  if (finishedAt) add.run(id, JSON.stringify({ type: 'status', jobId: id, status }));
}

const events = (id: string) => (store.db.prepare('SELECT event FROM job_events WHERE job_id = ? ORDER BY id').all(id) as Array<{ event: string }>)
  .map((r) => JSON.parse(r.event) as { type: string; progress?: { percent: number } });

describe('pruneFinishedJobEvents', () => {
  it("keeps an old finished job's status events and last progress, and everything of recent or unfinished jobs", () => {
    job('old-done', 'completed', '2026-01-02T00:00:00.000Z', 5);
    job('old-failed', 'failed', '2026-01-02T00:00:00.000Z', 3);
    job('recent', 'completed', '2026-03-01T00:00:00.000Z', 4);
    job('running', 'running', null, 6);
    expect(pruneFinishedJobEvents(store, new Date('2026-02-01T00:00:00.000Z'))).toBe(4 + 2);
    expect(events('old-done').map((e) => e.type)).toEqual(['status', 'progress', 'status']);
    expect(events('old-done')[1]!.progress!.percent).toBe(4);
    expect(events('old-failed')).toHaveLength(3);
    expect(events('recent')).toHaveLength(6);
    expect(events('running')).toHaveLength(7);
    expect(pruneFinishedJobEvents(store, new Date('2026-02-01T00:00:00.000Z'))).toBe(0);
  });
});
