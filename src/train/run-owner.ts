import os from 'node:os';
import { processAlive } from '../util/process-alive.js';

/**
 * Which process trains a run, as `host:pid`. A run stays `running` in the store when its training process is killed
 * outright (kill -9, a power cut): nothing is left to record the end. Knowing the owner lets a reader on the same
 * machine tell such a run from a live one. Another machine's process cannot be checked from here.
 */
export function currentOwner(): string {
  return `${os.hostname()}:${process.pid}`;
}

export type OwnerState = 'alive' | 'gone' | 'unknown';

export function ownerState(owner: string | null): OwnerState {
  if (!owner) return 'unknown';
  const at = owner.lastIndexOf(':');
  const pid = Number(owner.slice(at + 1));
  if (at <= 0 || owner.slice(0, at) !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return 'unknown';
  return processAlive(pid) ? 'alive' : 'gone';
}
