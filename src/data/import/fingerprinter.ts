import type { DecodeLimits } from '../../imaging/types.js';
import { WorkerPool } from '../../util/worker-pool.js';
import { fingerprintImage, type ImageFingerprint } from './fingerprint.js';

export interface FingerprintRequest {
  bytes: Uint8Array;
  limits?: Partial<DecodeLimits>;
}

/** Decodes and fingerprints files, on the calling thread or on a pool of threads. */
export interface Fingerprinter {
  fingerprint(bytes: Uint8Array, limits?: Partial<DecodeLimits>): Promise<ImageFingerprint>;
  close(): Promise<void>;
}

/**
 * Imports of a few hundred files or more spread decoding over threads: the per-file JavaScript (colour to
 * grey, the hash's grid, sharp's pipeline set-up) otherwise saturates the main thread before the cores are
 * busy. Below that, starting threads costs more than it saves.
 */
export const THREADED_IMPORT_MIN_FILES = 256;

export function createFingerprinter(threads: number): Fingerprinter {
  if (threads <= 0) return { fingerprint: fingerprintImage, close: async () => {} };
  const pool = new WorkerPool<FingerprintRequest, ImageFingerprint>(
    new URL('./fingerprint-worker.js', import.meta.url),
    threads,
    'an import decoding thread',
  );
  return {
    // The bytes are copied to the thread: the caller still writes them to the blob store.
    fingerprint: (bytes, limits) => pool.run({ bytes, limits }),
    close: () => pool.close(),
  };
}
