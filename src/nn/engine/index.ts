import type { Graph } from '../ir.js';
import { InlineModel } from './inline.js';
import { ProcessModel } from './process.js';
import type { EngineOptions, TrainableModel } from './types.js';

export type { EngineOptions, ImageBatch, Targets, TrainableModel } from './types.js';
export { ENGINE_PROCESS_ENV } from './protocol.js';
export { cpuHasNativeBf16, resolvePrecision, BF16_VERIFIED_ARCHITECTURES, type Precision, type PrecisionChoice, type ResolvedPrecision } from './precision.js';

/** A trainable model of the graph, in a child process by default (see EngineOptions.isolation). */
export function createTrainableModel(graph: Graph, options: EngineOptions = {}): TrainableModel {
  return options.isolation === 'inline' ? new InlineModel(graph, options) : new ProcessModel(graph, options);
}
