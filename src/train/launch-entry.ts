// A training run in its own process: native crashes stay here, and the parent only sees events and the result.
import type { LaunchMessage, LaunchRequest } from './launch-protocol.js';
import { trainRun } from './train-run.js';

let stopRequested = false;
const send = (message: LaunchMessage) => {
  if (process.connected) process.send?.(message);
};
const requestStop = () => {
  stopRequested = true;
};
// A terminal's Ctrl-C reaches the whole process group, a service manager's stop sends SIGTERM, and a parent may
// die: each ends the run after its current step, `stopped` and resumable, instead of killing it between writes.
process.on('SIGINT', requestStop);
process.on('SIGTERM', requestStop);
process.on('disconnect', requestStop);

process.on('message', async (request: LaunchRequest) => {
  if (request.type === 'stop') {
    requestStop();
    return;
  }
  try {
    const result = await trainRun({
      ...request.options,
      onEvent: (event) => send({ type: 'event', event }),
      shouldStop: () => stopRequested,
    });
    send({ type: 'done', result });
  } catch (error) {
    const e = error as Error & { code?: string };
    send({ type: 'error', error: { code: e.code ?? 'TRAINING_FAILED', message: e.message } });
  }
  process.disconnect?.();
});
