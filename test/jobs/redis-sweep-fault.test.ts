// Two `osteon worker` processes on one Redis share a sweep; one is killed with SIGKILL mid-trial. The stalled
// trial must move to the other worker and resume from its last checkpoint; every trial completes exactly once.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/data/index.js';
import { openJobQueue, type JobQueue, type TrainJobResult } from '../../src/jobs/index.js';
import { runEpochs } from '../../src/train/runs.js';
import { requireBuiltCli, spawnOsteon, type OsteonProcess } from '../helpers/osteon-process.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { runBuiltOsteon } from '../helpers/run-command.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

const EPOCHS = 3;

describe('a sweep on Redis survives a worker killed mid-trial', () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let workspace: string;
  const workers: OsteonProcess[] = [];
  const startWorker = () => {
    const worker = spawnOsteon(['worker', '--queue', redis.url, '--workspace', workspace, '--concurrency', '1', '--stall-seconds', '2']);
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    requireBuiltCli();
    redis = await startRedisServer();
    ({ workspace } = await syntheticProject({ n: 60, size: 48, seed: 3 }));
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    if (process.env.OSTEON_TEST_LOGS) workers.forEach((w, i) => fs.writeFileSync(`${process.env.OSTEON_TEST_LOGS}/worker-${i}.log`, w.lines.join('\n')));
    await redis?.stop();
  });

  it('retries the stalled trial on the other worker, resuming its run; no trial lost or run twice', async () => {
    const [a, b] = [startWorker(), startWorker()];
    await Promise.all([a.waitForLine(/worker: working/), b.waitForLine(/worker: working/)]);
    const sweep = runBuiltOsteon(['sweep', '--project', 'synthetic', '--arch', 'squeezenet1_1', '--grid', 'lr=1e-3,2e-3,5e-4,3e-3',
      '--size', '32', '--epochs', String(EPOCHS), '--set', 'batchSize=8', '--set', 'threads=1', '--set', 'patience=0',
      '--queue', redis.url, '--workspace', workspace, '--json']);

    // Kill worker A once one of its trials has a checkpoint (epoch 1 done) and is still going.
    const line = await a.waitForLine(/^job \S+ \(sweep-trial\): attempt 1/);
    const killedJob = line.split(' ')[1]!;
    const queue: JobQueue = await openJobQueue({ workspace, url: redis.url });
    try {
      for (;;) {
        const job = await queue.get(killedJob);
        const epoch = (job.progress?.metrics as { epoch?: number } | undefined)?.epoch;
        if (epoch !== undefined && epoch >= 0) break;
        expect(job.status).toBe('running');
        await new Promise((r) => setTimeout(r, 20));
      }
      a.child.kill('SIGKILL');
      await a.exited;

      const { stdout } = await sweep;
      const result = JSON.parse(stdout) as { sweep: string; trials: Array<{ id: string; status: string; job: string; params: Record<string, string> }> };
      expect(result.trials).toHaveLength(4);
      expect(result.trials.every((t) => t.status === 'completed')).toBe(true);
      expect(new Set(result.trials.map((t) => t.id)).size).toBe(4);
      expect(new Set(result.trials.map((t) => t.params.lr)).size).toBe(4);

      // The killed trial was taken over by worker B and resumed its own run after the checkpointed epoch.
      const killed = await queue.get(killedJob);
      const resumed = killed.result as TrainJobResult;
      expect(killed.status).toBe('completed');
      expect(resumed.attempt).toBeGreaterThanOrEqual(2);
      expect(resumed.startEpoch).toBeGreaterThanOrEqual(1);
      expect(b.lines.some((l) => l.startsWith(`job ${killedJob} (sweep-trial): attempt 2`))).toBe(true);

      // One run per trial in the store, each with every epoch recorded once.
      const store = openStore(workspace);
      try {
        const runs = store.db.prepare('SELECT id, status, epochs_done FROM runs WHERE sweep_id = ? ORDER BY id').all(result.sweep) as
          Array<{ id: string; status: string; epochs_done: number }>;
        expect(runs.map((r) => r.id).sort()).toEqual(result.trials.map((t) => t.id).sort());
        for (const run of runs) {
          expect(run).toMatchObject({ status: 'completed', epochs_done: EPOCHS });
          expect(runEpochs(store, run.id).map((e) => e.epoch)).toEqual([0, 1, 2]);
        }
        expect(store.db.prepare("SELECT COUNT(*) AS n FROM runs WHERE status = 'running'").get()).toEqual({ n: 0 });
      } finally {
        store.close();
      }
    } finally {
      await queue.close();
    }
  }, 100_000);
});
