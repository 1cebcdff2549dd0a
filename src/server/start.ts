import { getProject } from '../data/index.js';
import { openStore, type DatasetStore } from '../data/store.js';
import { OsteonError } from '../errors.js';
import { ModelRegistry } from '../serve/registry/index.js';
import { deployRun } from '../train/deploy-run.js';
import { ApiKeyStore } from './api-keys.js';
import { buildServer, type OsteonServer, type ServerOptions } from './app.js';
import { openJobService, type JobService, type JobServiceOptions } from './job-service.js';

export interface StartOptions extends Omit<ServerOptions, 'catalog' | 'keys' | 'deployRun' | 'jobs'> {
  workspace: string;
  host: string;
  port: number;
  /** false serves without keys; allowed on a loopback host only. */
  auth: boolean;
  /** The job queue: `embedded` (default) or `redis://HOST:PORT`. */
  queueUrl?: string;
  /** This server's own worker (see JobServiceOptions): by default one job at a time on the embedded queue. */
  worker?: JobServiceOptions['worker'];
}

export interface RunningServer extends OsteonServer {
  url: string;
  store: DatasetStore;
  jobs: JobService;
  /** Stops taking requests, finishes those in flight, stops the worker (its jobs go back to the queue), frees the engines and the store. */
  close(): Promise<void>;
}

/** Whether a host name or address reaches this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Serves a workspace's deployed model over HTTP: its registry, its API keys, deployment of its runs, and its job
 * queue (enqueueing over the admin routes, and by default working the jobs in child processes of this server).
 * AUTH_REQUIRED when keys are switched off on a host reachable from other machines.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  if (!options.auth && !isLoopbackHost(options.host)) {
    throw new OsteonError(
      'AUTH_REQUIRED',
      `--no-auth serves without keys, so it binds to loopback only, not ${options.host}. Drop --no-auth and create a key with \`osteon keys create --scope predict\`, or use --host 127.0.0.1.`,
    );
  }
  const store = openStore(options.workspace);
  let jobs: JobService | undefined;
  try {
    jobs = await openJobService({ workspace: options.workspace, queueUrl: options.queueUrl, worker: options.worker });
    const server = await buildServer({
      ...options,
      catalog: ModelRegistry.open(options.workspace),
      keys: options.auth ? new ApiKeyStore(store.db) : null,
      deployRun: (runId, deploy) => deployRun(store, runId, deploy),
      jobs: { queue: jobs.queue, project: (idOrName) => getProject(store, idOrName) },
    });
    const service = jobs;
    const url = await server.app.listen({ host: options.host, port: options.port }).catch(async (error: unknown) => {
      await server.app.close();
      throw error;
    });
    await service.startWorker((message) => server.app.log.info(message));
    let closing: Promise<void> | null = null;
    return {
      ...server,
      url,
      store,
      jobs: service,
      close: () =>
        (closing ??= Promise.allSettled([server.app.close(), service.close()]).then((outcomes) => {
          store.close();
          const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
          if (failed) throw failed.reason;
        })),
    };
  } catch (error) {
    await jobs?.close();
    store.close();
    throw error;
  }
}

/** Closes the server gracefully on the first SIGTERM or SIGINT; resolves once it is closed. */
export function closeOnSignal(server: RunningServer, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<NodeJS.Signals> {
  return new Promise((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, onSignal);
      server.app.log.info({ signal }, 'shutting down: finishing requests in flight');
      server.close().then(() => resolve(signal), reject);
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
