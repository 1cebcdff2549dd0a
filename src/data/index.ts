/** The data layer's public API: what the CLI, the HTTP API and the web UI call. */
export * from './types.js';
export { openStore, withStore, type DatasetStore } from './store.js';
export { createProject, getProject, listProjects } from './projects.js';
export { listImages, countImages, getImage, readOriginal } from './images.js';
export { setReviewStatus, setLabel, labelHistory, statusHistory, type ChangeOptions, type HistoryEntry } from './review.js';
export { parseWhere, parseIdList } from './filter.js';
export { datasetStats, type DatasetStats } from './stats.js';
export { findLeakage, type CrossingGroup } from './leakage.js';
export { splitProject, splitFromFolders, planSplit, type SplitOptions, type SplitResult } from './split.js';
export { refreshDuplicateGroups } from './groups.js';
export { perceptualHash, hashDistance } from './phash.js';
export * from './import/index.js';
