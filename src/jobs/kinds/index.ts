// Importing this module registers Osteon's built-in job kinds.
import { openStore } from '../../data/index.js';
import { getRun, updateRun } from '../../train/runs.js';
import { registerJobKind, type JobKind } from '../registry.js';

/** A training job's run must not stay `running` once its process is gone. */
const settleRun: JobKind['settle'] = (workspace, state, outcome) => {
  const runId = state?.runId;
  if (typeof runId !== 'string') return;
  const store = openStore(workspace);
  try {
    const run = getRun(store, runId);
    if (outcome.status === 'retrying') {
      // `stopped` here means a worker stopped it to hand the job back; the retry continues it.
      if (['running', 'interrupted', 'queued', 'stopped'].includes(run.status)) updateRun(store, runId, { status: 'queued', error: outcome.reason });
    } else if (['running', 'interrupted', 'queued'].includes(run.status)) {
      updateRun(store, runId, { status: outcome.status === 'cancelled' ? 'stopped' : 'failed', error: outcome.reason, finishedAt: new Date().toISOString() });
    }
  } finally {
    store.close();
  }
};

const train = new URL('./train-job.js', import.meta.url);
registerJobKind({ name: 'train', module: train, settle: settleRun });
registerJobKind({ name: 'sweep-trial', module: train, settle: settleRun });
registerJobKind({ name: 'evaluate', module: new URL('./evaluate-job.js', import.meta.url) });
registerJobKind({ name: 'import', module: new URL('./import-job.js', import.meta.url) });
