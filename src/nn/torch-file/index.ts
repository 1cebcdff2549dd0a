import fs from 'node:fs';
import { OsteonError } from '../../errors.js';
import type { StateDict } from '../native.js';
import { readTorchCheckpoint } from './read.js';

export { readTorchCheckpoint } from './read.js';

/** Reads the tensors of a torch.save file on disk; see `readTorchCheckpoint`. */
export function loadTorchCheckpoint(file: string): StateDict {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new OsteonError('CHECKPOINT_NOT_FOUND', `Cannot read checkpoint ${file}: ${(error as Error).message}.`);
  }
  return readTorchCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}
