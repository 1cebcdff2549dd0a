import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { log, type GlobalOptions } from '../output.js';
import { OsteonError } from '../../errors.js';
import { configuredQueue, openJobQueue, startEmbeddedWorker, type JobWorker } from '../../jobs/index.js';
import { resolveWorkspace } from '../../util/workspace.js';

interface WorkerOptions extends GlobalOptions {
  queue?: string;
  concurrency: string;
  stallSeconds: string;
}

export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('worker')
      .description("run queued jobs (training, sweep trials, evaluations, imports) of a workspace; logs to stderr")
      .option('--queue <url>', 'redis://HOST:PORT to work the distributed queue (default: $OSTEON_QUEUE, else the workspace\'s embedded queue)')
      .option('--concurrency <n>', 'jobs at once', '1')
      .option('--stall-seconds <s>', 'a job whose worker gives no sign of life for this long is retried elsewhere', '30'),
  ).action(
    action<WorkerOptions>(async (_args, o) => {
      const workspace = resolveWorkspace(o.workspace);
      const concurrency = Number(o.concurrency);
      const stallSeconds = Number(o.stallSeconds);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new OsteonError('BAD_OPTION', `--concurrency must be a whole number >= 1, got "${o.concurrency}".`);
      if (!(stallSeconds > 0)) throw new OsteonError('BAD_OPTION', `--stall-seconds must be a positive number, got "${o.stallSeconds}".`);
      const url = configuredQueue(o.queue);
      const options = { workspace, concurrency, stallSeconds, log };
      let worker: JobWorker;
      if (!url || url === 'embedded') {
        worker = startEmbeddedWorker(options);
      } else {
        const queue = await openJobQueue({ workspace, url });
        worker = await queue.work(options);
        await queue.close();
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log(`worker: ${signal}, stopping (running jobs go back to the queue)…`);
          void worker.stop().then(resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    }),
  );
}
