import type { ModelVersion } from '../serve/registry/index.js';

/** A registered model version, as the registry describes it. */
export type CatalogVersion = ModelVersion;

/**
 * What the server needs of the model registry (src/serve/registry's ModelRegistry satisfies it): the versions,
 * the deployed one, deployment changes, and a cheap stamp that changes when another process deploys.
 */
export interface ModelCatalog {
  list(): CatalogVersion[];
  get(version: number): CatalogVersion;
  current(): CatalogVersion | null;
  promote(version: number): CatalogVersion;
  rollback(): CatalogVersion;
  currentStamp(): string;
}

/** Registers a training run's model as a new version (the registry's `deployRun` bound to a store). */
export type DeployRun = (runId: string, options: { promote?: boolean; note?: string }) => CatalogVersion;
