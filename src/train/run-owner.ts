import fs from 'node:fs';
import os from 'node:os';

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
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'alive';
  }
  return isZombie(pid) ? 'gone' : 'alive';
}

/** A killed process whose parent died too waits as a zombie until something reaps it (some containers never do). */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
