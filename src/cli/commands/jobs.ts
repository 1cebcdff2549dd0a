import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { configuredQueue, openJobQueue, type JobInfo, type JobQueue, type JobStatus } from '../../jobs/index.js';
import { resolveWorkspace } from '../../util/workspace.js';

interface JobsOptions extends GlobalOptions {
  queue?: string;
  status?: JobStatus;
  group?: string;
}

async function withQueue<T>(o: JobsOptions, run: (queue: JobQueue) => Promise<T>): Promise<T> {
  const queue = await openJobQueue({ workspace: resolveWorkspace(o.workspace), url: configuredQueue(o.queue) });
  try {
    return await run(queue);
  } finally {
    await queue.close();
  }
}

const line = (j: JobInfo) =>
  `${j.id}  ${j.kind.padEnd(12)} ${j.status.padEnd(10)} ${j.progress ? `${j.progress.percent.toFixed(0).padStart(3)}% ${j.progress.message}` : ''}${j.error ? `  ${j.error}` : ''}`;

export function register(program: Command): void {
  const jobs = program.command('jobs').description('queued and finished jobs (training, sweep trials, evaluations, imports)');
  const queueOption = (cmd: Command) => withGlobalOptions(cmd).option('--queue <url>', 'redis://HOST:PORT (default: $OSTEON_QUEUE, else the embedded queue)');

  queueOption(jobs.command('list').description('list jobs, oldest first'))
    .option('--status <status>', 'only jobs in this state: queued, running, completed, failed, cancelled')
    .option('--group <id>', "only one sweep's jobs")
    .action(action<JobsOptions>(async (_args, o) => {
      const rows = await withQueue(o, (q) => q.list({ status: o.status, group: o.group }));
      printResult(o, { jobs: rows }, () => (rows.length ? rows.map(line).join('\n') : 'no jobs'));
    }));

  queueOption(jobs.command('show <id>').description('one job: status, progress, result or error'))
    .action(action<JobsOptions>(async ([id], o) => {
      const job = await withQueue(o, (q) => q.get(id!));
      printResult(o, { job }, () => `${line(job)}\nattempts ${job.attempts}, created ${job.createdAt}` +
        `${job.finishedAt ? `, finished ${job.finishedAt}` : ''}${job.result !== null ? `\nresult ${JSON.stringify(job.result, null, 2)}` : ''}`);
    }));

  queueOption(jobs.command('cancel <id>').description('cancel a queued job, or stop a running one (its run stays resumable)'))
    .action(action<JobsOptions>(async ([id], o) => {
      const job = await withQueue(o, (q) => q.cancel(id!));
      printResult(o, { job }, () => line(job));
    }));
}
