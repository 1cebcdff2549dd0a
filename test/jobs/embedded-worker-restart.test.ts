// `osteon worker` on the embedded queue (the loop `osteon serve` runs too), killed with SIGKILL mid-job and
// restarted: a job with attempts left resumes its run; a job without is failed with the reason; no job and no
// run stays `running`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/data/index.js';
import { openJobQueue, type JobQueue, type TrainJobPayload, type TrainJobResult } from '../../src/jobs/index.js';
import { getRun } from '../../src/train/runs.js';
import { requireBuiltCli, spawnOsteon, type OsteonProcess } from '../helpers/osteon-process.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

const recipe = { arch: 'squeezenet1_1', size: 32, epochs: 6, batchSize: 8, threads: 1, patience: 0 };

describe('the embedded queue after its worker is killed', () => {
  let workspace: string;
  let queue: JobQueue;
  const workers: OsteonProcess[] = [];
  const startWorker = () => {
    const worker = spawnOsteon(['worker', '--workspace', workspace, '--concurrency', '2']);
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    requireBuiltCli();
    ({ workspace } = await syntheticProject({ n: 60, size: 48, seed: 4 }));
    queue = await openJobQueue({ workspace });
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await queue?.close();
  });

  it('resumes the job that has attempts left and fails the one that has none, with the reason', async () => {
    const payload = (): TrainJobPayload => ({ project: 'synthetic', recipe, enqueuedAt: new Date().toISOString() });
    const lastChance = await queue.enqueue('train', payload(), { maxAttempts: 1 });
    const resumable = await queue.enqueue('train', payload(), { maxAttempts: 3 });
    const first = startWorker();

    // Both jobs have a checkpointed epoch and are still training.
    for (;;) {
      const jobs = await Promise.all([lastChance, resumable].map((j) => queue.get(j.id)));
      for (const job of jobs) expect(job.status).toMatch(/queued|running/);
      if (jobs.every((j) => (j.progress?.metrics as { epoch?: number } | undefined)?.epoch !== undefined)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await queue.get(resumable.id)).status).toBe('running');

    startWorker();
    const resumed = (await queue.result(resumable.id)) as TrainJobResult;
    expect(resumed).toMatchObject({ status: 'completed', epochsDone: recipe.epochs, attempt: 2 });
    expect(resumed.startEpoch).toBeGreaterThanOrEqual(1);
    await expect(queue.result(lastChance.id)).rejects.toMatchObject({ code: 'JOB_FAILED' });
    const failed = await queue.get(lastChance.id);
    expect(failed.error).toMatch(/worker .* stopped \(the process is gone\)/);

    const store = openStore(workspace);
    try {
      const failedRun = getRun(store, stateRunId(store, lastChance.id));
      expect(failedRun).toMatchObject({ status: 'failed' });
      expect(failedRun.error).toMatch(/process is gone/);
      expect(getRun(store, resumed.runId)).toMatchObject({ status: 'completed', epochsDone: recipe.epochs });
      expect(store.db.prepare("SELECT COUNT(*) AS n FROM runs WHERE status = 'running'").get()).toEqual({ n: 0 });
      expect(store.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'running'").get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  }, 120_000);
});

/** The run a job's attempt remembered (the store keeps it with the job). */
function stateRunId(store: ReturnType<typeof openStore>, jobId: string): string {
  const row = store.db.prepare('SELECT state FROM jobs WHERE id = ?').get(jobId) as { state: string };
  return (JSON.parse(row.state) as { runId: string }).runId;
}
