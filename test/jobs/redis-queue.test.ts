import { afterAll, beforeAll } from 'vitest';
import { openJobQueue } from '../../src/jobs/index.js';
import { runJobQueueConformance } from '../helpers/job-queue-conformance.js';
import { startRedisServer } from '../helpers/redis-server.js';

let redis: Awaited<ReturnType<typeof startRedisServer>>;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

runJobQueueConformance('BullMQ on Redis', (workspace) => openJobQueue({ workspace, url: redis.url }));
