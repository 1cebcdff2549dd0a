// `osteon serve` with a Redis queue (OSTEON_QUEUE): it enqueues there and works no job itself unless asked with
// --worker-concurrency.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo, TrainJobResult } from '../../src/jobs/index.js';
import { requireBuiltCli, spawnOsteon, type OsteonProcess } from '../helpers/osteon-process.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

describe.skipIf(!fs.existsSync('/usr/bin/redis-server'))('osteon serve on a Redis queue', () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let workspace: string;
  const servers: OsteonProcess[] = [];

  /** `osteon serve --json` with OSTEON_QUEUE set; resolves with what it printed on stdout. */
  const serve = async (...args: string[]) => {
    process.env.OSTEON_QUEUE = redis.url;
    let server: OsteonProcess;
    try {
      server = spawnOsteon(['serve', '--no-auth', '--port', '0', '--workspace', workspace, '--json', ...args]);
    } finally {
      delete process.env.OSTEON_QUEUE;
    }
    servers.push(server);
    let stdout = '';
    server.child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    await server.waitForLine(/Server listening at/, 60_000);
    for (let i = 0; i < 200 && !stdout.trim().endsWith('}'); i++) await new Promise((r) => setTimeout(r, 25));
    return { server, printed: JSON.parse(stdout) as { url: string; jobs: { queue: string; worker: number } } };
  };
  const api = async (url: string, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(url + path, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return (await response.json()) as Record<string, any>;
  };

  beforeAll(async () => {
    requireBuiltCli();
    redis = await startRedisServer();
    ({ workspace } = await syntheticProject({ n: 24, size: 48, seed: 6 }));
  });
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('enqueues to Redis, leaves the job to workers, and works it when asked', async () => {
    const enqueuer = await serve();
    expect(enqueuer.printed.jobs).toEqual({ queue: 'redis', worker: 0 });
    const enqueued = await api(enqueuer.printed.url, 'POST', '/v1/admin/train', {
      project: 'synthetic', arch: 'squeezenet1_1', size: 32, epochs: 1, set: { batchSize: 8, threads: 1 },
    });
    const id = (enqueued.jobs as JobInfo[])[0]!.id;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api(enqueuer.printed.url, 'GET', `/v1/admin/jobs/${id}`)).job.status).toBe('queued');

    const worker = await serve('--worker-concurrency', '1');
    expect(worker.printed.jobs).toEqual({ queue: 'redis', worker: 1 });
    const stream = await (await fetch(`${enqueuer.printed.url}/v1/admin/jobs/${id}/events`)).text();
    const last = JSON.parse(stream.trim().split('\n\n').at(-1)!.split('\n')[1]!.slice(6)) as JobInfo;
    expect(last).toMatchObject({ id, status: 'completed' });
    expect((last.result as TrainJobResult).epochsDone).toBe(1);

    for (const s of [enqueuer, worker]) s.server.child.kill('SIGTERM');
    expect(await Promise.all([enqueuer, worker].map((s) => s.server.exited))).toEqual([0, 0]);
  }, 120_000);
});
