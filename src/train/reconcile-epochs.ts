import fs from 'node:fs';
import type { DatasetStore } from '../data/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { RunState } from './checkpoint.js';
import { recordEpoch, updateRun } from './runs.js';

/**
 * Makes a resumed run's records agree with its checkpoint, the state a resume starts from. An epoch ends with three
 * writes (checkpoint, `metrics.jsonl`, the store), so a kill between them leaves the store an epoch behind and the
 * metrics file with a half-written line, which the next append would glue to a whole one.
 */
export function reconcileEpochRecords(store: DatasetStore, runId: string, metricsFile: string, state: RunState): void {
  const lines = fs.existsSync(metricsFile) ? fs.readFileSync(metricsFile, 'utf8').split('\n') : [];
  const byEpoch = new Map<number, Record<string, unknown>>();
  for (const line of lines) {
    try {
      const metrics = JSON.parse(line) as Record<string, unknown>;
      if (Number.isInteger(metrics.epoch) && (metrics.epoch as number) < state.epochsDone) byEpoch.set(metrics.epoch as number, metrics);
    } catch {
      // the half-written line of a killed epoch
    }
  }
  const kept = [...byEpoch.entries()].sort(([a], [b]) => a - b);
  writeFileAtomic(metricsFile, kept.map(([, m]) => `${JSON.stringify(m)}\n`).join(''));
  const recorded = new Set((store.db.prepare('SELECT epoch FROM run_epochs WHERE run_id = ?').all(runId) as Array<{ epoch: number }>).map((r) => r.epoch));
  store.db.transaction(() => {
    store.db.prepare('DELETE FROM run_epochs WHERE run_id = ? AND epoch >= ?').run(runId, state.epochsDone);
    for (const [epoch, { epoch: _epoch, ...metrics }] of kept) if (!recorded.has(epoch)) recordEpoch(store, runId, epoch, metrics);
    updateRun(store, runId, {
      epochsDone: state.epochsDone, bestEpoch: state.bestEpoch, bestValAuroc: state.bestValAuroc,
      trainSeconds: state.trainSeconds, imagesPerSecond: state.imagesPerSecond,
    });
  })();
}
