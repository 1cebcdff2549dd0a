/**
 * What the server needs of the model registry (src/serve/registry's ModelRegistry satisfies it): the versions,
 * the deployed one, deployment changes, and a cheap stamp that changes when another process deploys.
 */
export interface CatalogVersion {
  version: number;
  runId: string | null;
  arch: string | null;
  classes: string[];
  threshold: number;
  inputSize: number;
  sha256: string;
  bytes: number;
  createdAt: string;
  note: string | null;
  /** Absolute path of the version's model.onnx. */
  file: string;
}

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
