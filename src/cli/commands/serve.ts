import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { OsteonError } from '../../errors.js';
import { configuredQueue } from '../../jobs/index.js';
import { parseRateLimit } from '../../server/rate-limit.js';
import { closeOnSignal, startServer } from '../../server/start.js';
import { webAssetsDir, webPlugins } from '../../server/web-routes/index.js';
import { resolveWorkspace } from '../../util/workspace.js';

interface ServeOptions extends GlobalOptions {
  port: string;
  host: string;
  auth: boolean;
  cors?: string;
  maxBodyMb: string;
  maxPixels: string;
  rateLimit?: string;
  threads?: string;
  batchSize: string;
  batchWaitMs: string;
  logLevel: string;
  queue?: string;
  worker: boolean;
  workerConcurrency?: string;
}

export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('serve')
      .description('serve the deployed model, the web UI and the job queue over HTTP (POST /v1/predict; docs at /docs); API keys from `osteon keys`')
      .option('--port <n>', 'TCP port (0: any free port)', '8080')
      .option('--host <address>', 'address to bind', '127.0.0.1')
      .option('--no-auth', 'serve without API keys (loopback hosts only)')
      .option('--cors <origin>', 'allow browser calls from this origin (`*` for any); off by default')
      .option('--max-body-mb <n>', 'largest request body (and batch file) in MiB', '32')
      .option('--max-pixels <n>', 'refuse images with more pixels, from their header (422)', '50000000')
      .option('--rate-limit <n/min>', 'requests per minute per API key (429 beyond)')
      .option('--threads <n>', 'onnxruntime threads (default: all cores)')
      .option('--batch-size <n>', 'most images per inference run', '16')
      .option('--batch-wait-ms <ms>', 'how long a lone request waits for others to batch with', '2')
      .option('--log-level <level>', 'JSON log level on stderr (fatal, error, warn, info, debug)', 'info')
      .option('--queue <url>', 'job queue the API and the web UI enqueue to: embedded or redis://HOST:PORT (default: $OSTEON_QUEUE, else embedded)')
      .option('--worker-concurrency <n>', 'jobs this server runs at once, in child processes (default 1; on Redis, only when given)')
      .option('--no-worker', 'run no jobs here: leave them to `osteon worker` processes'),
  ).action(
    action<ServeOptions>(async (_args, options) => {
      const workspace = resolveWorkspace(options.workspace);
      const queueUrl = configuredQueue(options.queue) ?? 'embedded';
      const concurrency = options.workerConcurrency === undefined ? undefined : wholeNumber('--worker-concurrency', options.workerConcurrency, 1);
      // The embedded queue has no other worker unless one is started; Redis has its own fleet, so serve works it only when asked.
      const worker = !options.worker ? false : concurrency !== undefined || queueUrl === 'embedded' ? { concurrency: concurrency ?? 1 } : false;
      const server = await startServer({
        workspace,
        queueUrl,
        worker,
        extraPlugins: webPlugins({ workspace }),
        staticDir: webAssetsDir(),
        host: options.host,
        port: wholeNumber('--port', options.port, 0),
        auth: options.auth,
        corsOrigin: options.cors,
        maxBodyBytes: Math.round(positiveNumber('--max-body-mb', options.maxBodyMb) * 2 ** 20),
        maxPixels: wholeNumber('--max-pixels', options.maxPixels, 1),
        rateLimitPerMinute: options.rateLimit === undefined ? undefined : parseRateLimit(options.rateLimit),
        engine: {
          threads: options.threads === undefined ? undefined : wholeNumber('--threads', options.threads, 1),
          batchSize: wholeNumber('--batch-size', options.batchSize, 1),
        },
        batchWaitMs: positiveNumber('--batch-wait-ms', options.batchWaitMs, true),
        logger: { level: options.logLevel, stream: process.stderr },
      });
      const modelVersion = server.holder.current?.version.version ?? null;
      const jobs = { queue: server.jobs.queue.name, worker: worker ? worker.concurrency : 0 };
      printResult(options, { url: server.url, auth: options.auth, modelVersion, jobs }, () =>
        `osteon serving ${modelVersion === null ? 'no model yet (deploy one with `osteon deploy --run RUN`)' : `model version ${modelVersion}`} at ${server.url} (docs: ${server.url}/docs); ` +
        `jobs on the ${jobs.queue} queue, ${jobs.worker ? `${jobs.worker} at a time in this server` : 'run by `osteon worker`'}`,
      );
      if (!options.auth) log('osteon: serving WITHOUT API keys (--no-auth), on loopback only.');
      await closeOnSignal(server);
    }),
  );
}

function wholeNumber(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new OsteonError('BAD_OPTION', `${flag} expects a whole number of at least ${min}, got "${text}".`);
  }
  return value;
}

function positiveNumber(flag: string, text: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new OsteonError('BAD_OPTION', `${flag} expects a ${allowZero ? 'non-negative' : 'positive'} number, got "${text}".`);
  }
  return value;
}
