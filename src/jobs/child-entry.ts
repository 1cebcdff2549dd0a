// One job in its own process: a native crash or an exit here never takes the worker down.
import { pathToFileURL } from 'node:url';
import type { JobChildMessage, JobChildRequest } from './child-protocol.js';
import type { JobRunner } from './registry.js';

const send = (message: JobChildMessage) => process.send?.(message);
const cancelled = new AbortController();
let finished = false;

// SIGTERM means "cancel": the job stops at its next check and leaves resumable state.
process.on('SIGTERM', () => cancelled.abort());
// A worker killed outright takes its jobs with it; another attempt resumes them.
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});

process.once('message', async (request: JobChildRequest) => {
  try {
    const module = (await import(request.module.startsWith('file:') ? request.module : pathToFileURL(request.module).href)) as { default: JobRunner };
    const result = await module.default(request.payload, {
      jobId: request.jobId,
      workspace: request.workspace,
      attempt: request.attempt,
      state: request.state,
      progress: (progress) => send({ type: 'progress', progress }),
      remember: (state) => send({ type: 'state', state }),
      signal: cancelled.signal,
    });
    send({ type: 'done', result: result ?? null });
  } catch (error) {
    const e = error as Error & { code?: string };
    send({ type: 'error', error: { code: e.code ?? 'JOB_FAILED', message: e.message ?? String(error) } });
  }
  finished = true;
  process.disconnect?.();
});
