import fs from 'node:fs';
import { OsteonError } from '../../errors.js';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `fn` while holding a lock shared by every process on this folder: an exclusive mkdir, which fails
 * while another holder has it. A lock older than `staleMs` is left from a crash and taken over.
 */
export function withFolderLock<T>(lockDir: string, fn: () => T, options: { waitMs?: number; staleMs?: number } = {}): T {
  const waitMs = options.waitMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (lockAgeMs(lockDir) > staleMs) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new OsteonError(
        'REGISTRY_BUSY',
        `Another process has held the model registry lock ${lockDir} for over ${waitMs / 1000} s. Retry; if no other osteon command is running, delete that folder.`,
      );
    }
    Atomics.wait(sleeper, 0, 0, 5);
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockAgeMs(lockDir: string): number {
  try {
    return Date.now() - fs.statSync(lockDir).mtimeMs;
  } catch {
    return 0; // released meanwhile: try again at once
  }
}
