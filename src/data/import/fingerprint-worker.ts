// A worker thread that decodes and perceptually hashes files for an import, so the main thread only reads,
// hashes bytes and stores.
import { serveRequests } from '../../util/worker-pool.js';
import { fingerprintImage } from './fingerprint.js';
import type { FingerprintRequest } from './fingerprinter.js';

serveRequests(({ bytes, limits }: FingerprintRequest) => fingerprintImage(bytes, limits));
