import type { DatasetStore } from '../data/index.js';
import { ModelRegistry, type ModelVersion } from '../serve/registry/index.js';
import { exportRun } from './export-run.js';

/**
 * Exports a run's best checkpoint (with the threshold chosen on validation), registers it as the next version of
 * the store's workspace and, unless `promote` is false, deploys it.
 */
export function deployRun(store: DatasetStore, runId: string, options: { promote?: boolean; note?: string } = {}): ModelVersion {
  const registry = ModelRegistry.open(store.root);
  const version = registry.register(exportRun(store, runId), { runId, note: options.note ?? null });
  if (options.promote ?? true) registry.promote(version.version);
  return version;
}
