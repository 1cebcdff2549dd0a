import { openStore, type DatasetStore } from '../data/store.js';
import { OsteonError } from '../errors.js';
import { ModelRegistry } from '../serve/registry/index.js';
import { deployRun } from '../train/deploy-run.js';
import { ApiKeyStore } from './api-keys.js';
import { buildServer, type OsteonServer, type ServerOptions } from './app.js';

export interface StartOptions extends Omit<ServerOptions, 'catalog' | 'keys' | 'deployRun'> {
  workspace: string;
  host: string;
  port: number;
  /** false serves without keys; allowed on a loopback host only. */
  auth: boolean;
}

export interface RunningServer extends OsteonServer {
  url: string;
  store: DatasetStore;
  /** Stops taking requests, finishes those in flight, frees the engines and the store. */
  close(): Promise<void>;
}

/** Whether a host name or address reaches this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Serves a workspace's deployed model over HTTP: its registry, its API keys, deployment of its runs.
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
  try {
    const server = await buildServer({
      ...options,
      catalog: ModelRegistry.open(options.workspace),
      keys: options.auth ? new ApiKeyStore(store.db) : null,
      deployRun: (runId, deploy) => deployRun(store, runId, deploy),
    });
    const url = await server.app.listen({ host: options.host, port: options.port });
    let closing: Promise<void> | null = null;
    return {
      ...server,
      url,
      store,
      close: () =>
        (closing ??= server.app.close().finally(() => store.close())),
    };
  } catch (error) {
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
