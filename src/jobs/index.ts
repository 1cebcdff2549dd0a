/** Long work as jobs: the public API the CLI and the HTTP server call. */
export * from './types.js';
export { registerJobKind, jobKindNames, type JobContext, type JobKind, type JobRunner } from './registry.js';
export { configuredQueue, openJobQueue, startEmbeddedWorker } from './open-queue.js';
export { followJobs, jobEventPrinter, type FollowedJob } from './follow.js';
export { enqueueSweep, enqueueTraining } from './training-jobs.js';
export { workspaceId } from './ids.js';
export type { TrainJobPayload, TrainJobResult } from './kinds/train-job.js';
