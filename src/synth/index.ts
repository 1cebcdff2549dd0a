/** Synthetic radiographs with known fractures: for tests, demos and a first model before real data. */
export { generateRadiograph, labelFor, DEFAULT_DIFFICULTY, DEFAULT_SIZE } from './generate.js';
export {
  writeSyntheticDataset,
  assignSplits,
  TRUTH_FILE,
  type SyntheticDatasetOptions,
  type SyntheticDatasetResult,
  type SyntheticImageRecord,
  type SyntheticTruthFile,
  type SynthProgress,
  type SynthSplit,
} from './dataset.js';
export { encodeGreyPng } from './encode.js';
export { writeContactSheet, type ContactSheetOptions } from './contact-sheet.js';
export * from './types.js';
