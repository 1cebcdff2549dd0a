// `osteon serve` runs the jobs the API enqueues in its own embedded worker. Killed with SIGKILL mid-training and
// started again, it resumes the job from its checkpoint (attempt 2, not epoch 0); stopped with SIGTERM, it hands
// the job back to the queue, resumable. No job and no run is left `running`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/data/index.js';
import type { JobInfo, TrainJobResult } from '../../src/jobs/index.js';
import { getRun } from '../../src/train/runs.js';
import { requireBuiltCli, spawnOsteon, type OsteonProcess } from '../helpers/osteon-process.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

const EPOCHS = 3;

describe('osteon serve killed mid-job', () => {
  let workspace: string;
  const servers: OsteonProcess[] = [];

  /** Starts `osteon serve` on a free port; resolves with it and its URL once it listens. */
  const serve = async () => {
    const server = spawnOsteon(['serve', '--no-auth', '--port', '0', '--workspace', workspace, '--worker-concurrency', '1']);
    servers.push(server);
    const line = await server.waitForLine(/Server listening at http:\/\/127\.0\.0\.1:\d+/, 60_000);
    return { server, url: /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0] };
  };
  const api = async (url: string, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(url + path, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const jobIn = async (url: string, id: string) => (await api(url, 'GET', `/v1/admin/jobs/${id}`)).body.job as JobInfo;
  const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const count = (sql: string) => {
    const store = openStore(workspace);
    try {
      return (store.db.prepare(sql).get() as { n: number }).n;
    } finally {
      store.close();
    }
  };

  beforeAll(async () => {
    requireBuiltCli();
    ({ workspace } = await syntheticProject({ n: 160, size: 48, seed: 11 }));
  });
  afterAll(() => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  });

  it('resumes the job from its checkpoint after SIGKILL, and hands it back to the queue on SIGTERM', async () => {
    const first = await serve();
    const enqueued = await api(first.url, 'POST', '/v1/admin/train', {
      project: 'synthetic', arch: 'squeezenet1_1', size: 32, epochs: EPOCHS, set: { batchSize: 8, threads: 1, patience: 0 },
    });
    expect(enqueued.status).toBe(202);
    const id = (enqueued.body.jobs as JobInfo[])[0]!.id;

    // The first epoch is checkpointed, the second under way: kill the server outright.
    await waitFor('the first epoch', async () => {
      const job = await jobIn(first.url, id);
      expect(job.status).toMatch(/queued|running/);
      return (job.progress?.metrics as { epoch?: number } | undefined)?.epoch === 0;
    });
    first.server.child.kill('SIGKILL');
    await first.server.exited;
    expect(count(`SELECT COUNT(*) AS n FROM jobs WHERE status = 'running'`)).toBe(1);

    // Started again, its worker sees the dead one's job and runs it again (attempt 2); stopped gracefully, it gives
    // the attempt back and the job waits in the queue, its run resumable.
    const second = await serve();
    await waitFor('the second attempt', async () => {
      const job = await jobIn(second.url, id);
      return job.status === 'running' && job.attempts === 2;
    });
    second.server.child.kill('SIGTERM');
    expect(await second.server.exited).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued' AND attempts = 1`)).toBe(1);
    expect(count(`SELECT COUNT(*) AS n FROM runs WHERE status = 'running'`)).toBe(0);

    // The third server finishes the job from the run's checkpoint, not from epoch 0; its events stream says so.
    const third = await serve();
    const stream = await fetch(`${third.url}/v1/admin/jobs/${id}/events`);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const events = (await stream.text()).split('\n\n').filter((b) => b.startsWith('event:'));
    const last = JSON.parse(events.at(-1)!.split('\n')[1]!.slice(6)) as JobInfo;
    expect(last).toMatchObject({ id, status: 'completed', attempts: 2 });
    const result = last.result as TrainJobResult;
    expect(result).toMatchObject({ status: 'completed', epochsDone: EPOCHS, attempt: 2 });
    expect(result.startEpoch).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.startsWith('event: progress'))).toBe(true);

    const store = openStore(workspace);
    try {
      expect(getRun(store, result.runId)).toMatchObject({ status: 'completed', epochsDone: EPOCHS });
    } finally {
      store.close();
    }
    expect(count(`SELECT COUNT(*) AS n FROM runs`)).toBe(1);
    expect(count(`SELECT COUNT(*) AS n FROM runs WHERE status = 'running'`)).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM jobs WHERE status = 'running'`)).toBe(0);
    third.server.child.kill('SIGTERM');
    expect(await third.server.exited).toBe(0);
  }, 180_000);
});
