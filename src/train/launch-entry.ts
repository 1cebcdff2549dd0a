// A training run in its own process: native crashes stay here, and the parent only sees events and the result.
import type { LaunchMessage, LaunchRequest } from './launch-protocol.js';
import { trainRun } from './train-run.js';

let stopRequested = false;
const send = (message: LaunchMessage) => process.send?.(message);

process.on('message', async (request: LaunchRequest) => {
  if (request.type === 'stop') {
    stopRequested = true;
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
