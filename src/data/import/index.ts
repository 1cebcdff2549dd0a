export { importPath, detectKind, type ImportKind, type ImportPathOptions, type ImportPathReport } from './import-path.js';
export type { ImportOptions, ImportProgress, ImportReport } from './ingest.js';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip-source.js';
