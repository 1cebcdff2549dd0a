import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OsteonError } from '../errors.js';
import { ENGINE_PROCESS_ENV } from '../nn/engine/protocol.js';
import { forkModule } from '../util/fork-module.js';
import type { JobChildMessage, JobChildRequest } from './child-protocol.js';
import type { JobKind } from './registry.js';
import type { JobProgress } from './types.js';

export interface JobAttempt {
  jobId: string;
  workspace: string;
  attempt: number;
  payload: unknown;
  state: Record<string, unknown> | undefined;
}

export interface RunningJob {
  /** The job's result; rejects with the job's own error, JOB_CRASHED when its process died, JOB_CANCELLED. */
  result: Promise<unknown>;
  /** SIGTERM to the job's process (it stops at its next check), SIGKILL if it is still alive after `graceMs`. */
  cancel(graceMs?: number): void;
  readonly pid: number | undefined;
}

/** The compiled module when there is one, else its TypeScript source (tests and development run from source). */
function runnableModule(url: URL): string {
  const file = fileURLToPath(url);
  if (fs.existsSync(file) || !file.endsWith('.js')) return file;
  return file.replace(/\.js$/, '.ts');
}

/** Runs one attempt of a job in a child process with the engine's environment, forwarding progress and state. */
export function runJobInChild(
  kind: JobKind,
  attempt: JobAttempt,
  on: { progress(progress: JobProgress): void; state(state: Record<string, unknown>): void },
): RunningJob {
  const child = forkModule(new URL('./child-entry.js', import.meta.url), ENGINE_PROCESS_ENV);
  let cancelled = false;
  let settled = false;
  const result = new Promise<unknown>((resolve, reject) => {
    child.on('message', (message: JobChildMessage) => {
      if (message.type === 'progress') on.progress(message.progress);
      else if (message.type === 'state') on.state(message.state);
      else if (message.type === 'done') {
        settled = true;
        resolve(message.result);
      } else {
        settled = true;
        reject(new OsteonError(cancelled ? 'JOB_CANCELLED' : message.error.code, message.error.message));
      }
    });
    child.on('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      if (cancelled) reject(new OsteonError('JOB_CANCELLED', 'The job was cancelled.'));
      else reject(new OsteonError('JOB_CRASHED', `The job's process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}.`));
    });
  });
  result.catch(() => undefined);
  child.send({ type: 'start', module: runnableModule(kind.module), ...attempt } satisfies JobChildRequest);
  return {
    result,
    cancel: (graceMs = 10_000) => {
      if (cancelled || settled) return;
      cancelled = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), graceMs);
      timer.unref();
      child.once('exit', () => clearTimeout(timer));
    },
    get pid() {
      return child.pid;
    },
  };
}
