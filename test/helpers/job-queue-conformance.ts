// The behaviour every JobQueue implementation must show; run by each implementation's own test file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerJobKind } from '../../src/jobs/registry.js';
import type { JobEvent, JobInfo, JobQueue, JobWorker } from '../../src/jobs/types.js';
import type { TestJobPayload } from '../jobs/fixtures/test-job.js';

registerJobKind({ name: 'test-job', module: new URL('../jobs/fixtures/test-job.ts', import.meta.url) });

type Factory = (workspace: string) => Promise<JobQueue>;

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function runJobQueueConformance(name: string, factory: Factory): void {
  describe(`JobQueue conformance: ${name}`, () => {
    let workspace: string;
    let queue: JobQueue;
    let worker: JobWorker | undefined;
    const enqueue = (payload: TestJobPayload, options?: { group?: string; maxAttempts?: number }) => queue.enqueue('test-job', payload, options);
    const startWorker = async () => {
      worker = await queue.work({ workspace, concurrency: 2, stallSeconds: 5, log: () => undefined });
    };

    beforeAll(async () => {
      workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-jobs-'));
      queue = await factory(workspace);
    });
    afterAll(async () => {
      await worker?.stop();
      await queue.close();
    });

    it('keeps a queued job until a worker takes it, and rejects unknown kinds', async () => {
      const job = await enqueue({ behave: 'echo' }, { group: 'g1' });
      expect(job).toMatchObject({ kind: 'test-job', status: 'queued', group: 'g1', payload: { behave: 'echo' }, attempts: 0 });
      expect((await queue.get(job.id)).status).toBe('queued');
      await expect(queue.enqueue('no-such-kind', {})).rejects.toMatchObject({ code: 'UNKNOWN_JOB_KIND' });
      await expect(queue.get('job-missing')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    });

    it('cancels a queued job: it never runs', async () => {
      const job = await enqueue({ behave: 'echo' }, { group: 'cancel-queued' });
      expect((await queue.cancel(job.id)).status).toBe('cancelled');
      await startWorker();
      await expect(queue.result(job.id)).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
      // Its code never ran: no progress, no result.
      const stored = await queue.get(job.id);
      expect(stored, JSON.stringify(stored)).toMatchObject({ status: 'cancelled', progress: null, result: null });
    });

    it('runs a job in a child process, streams its progress and stores its result', async () => {
      const job = await enqueue({ behave: 'echo' });
      const events: JobEvent[] = [];
      const stop = queue.events(job.id, (e) => events.push(e));
      const result = (await queue.result(job.id)) as { pid: number; attempt: number; workspace: string; echo: TestJobPayload };
      await until('the completion event arrives', () => events.some((e) => e.type === 'status' && e.status === 'completed'));
      stop();
      expect(result.pid).not.toBe(process.pid);
      expect(result).toMatchObject({ attempt: 1, workspace, echo: { behave: 'echo' } });
      expect(events).toContainEqual({ type: 'progress', jobId: job.id, progress: { percent: 50, message: 'half way', metrics: { step: 1 } } });
      const stored = await queue.get(job.id);
      expect(stored).toMatchObject({ status: 'completed', attempts: 1, result, progress: { percent: 50 } });
      expect(stored.finishedAt).not.toBeNull();
      // The first test's job runs too (beside this one, so it may finish later), and the group filter finds it alone.
      const firstGroup = async () => (await queue.list({ group: 'g1' })).map((j) => j.status);
      await until('the first job completes', async () => !(await firstGroup()).some((s) => s === 'queued' || s === 'running'));
      expect(await firstGroup()).toEqual(['completed']);
    });

    it('replays what a job reported to a listener that comes after it finished, then nothing twice', async () => {
      const job = await enqueue({ behave: 'echo' });
      await queue.result(job.id);
      const events: JobEvent[] = [];
      const stop = queue.events(job.id, (e) => events.push(e));
      await until('the completion is replayed', () => events.some((e) => e.type === 'status' && e.status === 'completed'));
      // A moment more: a live copy of a replayed event would arrive now.
      await new Promise((r) => setTimeout(r, 500));
      stop();
      expect(events.filter((e) => e.type === 'progress')).toEqual([
        { type: 'progress', jobId: job.id, progress: { percent: 50, message: 'half way', metrics: { step: 1 } } },
      ]);
      expect(events.filter((e) => e.type === 'status' && e.status === 'completed')).toHaveLength(1);
      expect(events.every((e) => e.jobId === job.id)).toBe(true);
    });

    it('survives a job whose process dies, and retries it with what the attempt remembered', async () => {
      const crashed = await enqueue({ behave: 'crash' }, { maxAttempts: 1 });
      const retried = await enqueue({ behave: 'crash-once' }, { maxAttempts: 2 });
      await expect(queue.result(crashed.id)).rejects.toMatchObject({ code: 'JOB_FAILED' });
      expect((await queue.get(crashed.id)).error).toMatch(/killed by SIGKILL/);
      const result = (await queue.result(retried.id)) as { attempt: number; state: { firstPid: number }; pid: number };
      expect(result.attempt).toBe(2);
      expect(result.state.firstPid).toBeGreaterThan(0);
      expect(result.state.firstPid).not.toBe(result.pid);
      // The worker is still there.
      const after = await enqueue({ behave: 'echo' });
      expect(await queue.result(after.id)).toMatchObject({ attempt: 1 });
    });

    it("fails a job that throws, once, with the job's own reason", async () => {
      const job = await enqueue({ behave: 'throw' }, { maxAttempts: 3 });
      await expect(queue.result(job.id)).rejects.toMatchObject({ code: 'JOB_FAILED' });
      const stored = await queue.get(job.id);
      expect(stored).toMatchObject({ status: 'failed', attempts: 1 });
      expect(stored.error).toMatch(/failed on purpose/);
    });

    it('cancels a running job: its process gets SIGTERM and the job ends cancelled', async () => {
      const job = await enqueue({ behave: 'wait', ms: 60_000 }, { group: 'cancel-running' });
      let seen: JobInfo | undefined;
      await until('the job runs', async () => (seen = await queue.get(job.id)).status === 'running' && seen.progress !== null);
      const started = Date.now();
      await queue.cancel(job.id);
      await expect(queue.result(job.id)).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
      expect(Date.now() - started).toBeLessThan(8000);
      expect((await queue.get(job.id)).status).toBe('cancelled');
    });

    it('runs as many jobs at once as the worker allows', async () => {
      const jobs = await Promise.all([enqueue({ behave: 'wait', ms: 1500 }), enqueue({ behave: 'wait', ms: 1500 })]);
      await until('both run at once', async () => (await Promise.all(jobs.map((j) => queue.get(j.id)))).every((j) => j.status === 'running'));
      await Promise.all(jobs.map((j) => queue.result(j.id)));
    });
  });
}
