// The model registry: numbered, immutable model versions of a workspace and the one that is deployed.
export { ModelRegistry } from './registry.js';
export type { DeploymentEvent, ModelVersion } from './model-version.js';
export { describeVersion, versionTable } from './version-table.js';
