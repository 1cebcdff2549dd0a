// The HTTP prediction API over the serving engine, with API keys and request limits.
export { buildServer, type OsteonServer, type ServerOptions } from './app.js';
export { ApiKeyStore, KEY_SCOPES, type ApiKeyInfo, type KeyScope } from './api-keys.js';
export type { RouteAccess } from './auth.js';
export { MicroBatcher, type BatchedResult, type MicroBatcherOptions } from './micro-batcher.js';
export type { CatalogVersion, DeployRun, ModelCatalog } from './model-catalog.js';
export { parseRateLimit, RateLimiter } from './rate-limit.js';
export { ModelHolder, ServedModel } from './served-model.js';
export { statusOfCode } from './http-errors.js';
