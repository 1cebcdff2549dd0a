import { Redis } from 'ioredis';
import { OsteonError } from '../../errors.js';

/** A Redis connection as BullMQ needs it (commands wait for a reconnect instead of failing). */
export function connectRedis(url: string): Redis {
  if (!/^rediss?:\/\//.test(url)) {
    throw new OsteonError('BAD_QUEUE', `"${url}" is not a Redis address: give --queue redis://HOST:PORT (or rediss:// for TLS).`);
  }
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** BullMQ names may not hold ':'; one queue per workspace id, so a worker hears only the workspaces it has. */
export const queueNameFor = (workspaceId: string) => `osteon-jobs-${workspaceId}`;

export const cancelKey = (queueName: string, jobId: string) => `osteon:${queueName}:cancel:${jobId}`;
