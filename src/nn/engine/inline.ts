import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OsteonError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { Graph } from '../ir.js';
import { loadNative, type NativeModel } from '../native.js';
import { encodeSafetensors } from '../safetensors.js';
import type { EngineOptions, ImageBatch, TrainableModel } from './types.js';

/** Turns the addon's plain errors into OsteonErrors a user can act on; running out of memory has its own code. */
function engineError(error: unknown): OsteonError {
  if (error instanceof OsteonError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new OsteonError(message.startsWith('out of memory') ? 'ENGINE_OUT_OF_MEMORY' : 'ENGINE_ERROR', message);
}

async function native<T>(call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw engineError(error);
  }
}

/** Runs libtorch in this process; long calls run on libuv's pool and never block the event loop. */
export class InlineModel implements TrainableModel {
  private readonly model: NativeModel;

  constructor(graph: Graph, options: EngineOptions = {}) {
    const addon = loadNative();
    addon.setNumThreads(options.threads ?? os.availableParallelism());
    try {
      this.model = new addon.Model(graph, {
        device: options.device ?? 'cpu',
        channelsLast: options.channelsLast ?? true,
        seed: options.seed ?? 0,
        precision: options.precision ?? 'fp32',
      });
    } catch (error) {
      throw engineError(error);
    }
  }

  trainStep(batch: ImageBatch, targets: Int32Array | Float32Array, lr: number) {
    return native(() => this.model.trainStep(batch.data, batch.shape, targets, lr));
  }
  predict(batch: ImageBatch, options: { features?: boolean; training?: boolean } = {}) {
    return native(() => this.model.predict(batch.data, batch.shape, options));
  }
  configureOptimizer(config: Parameters<NativeModel['configureOptimizer']>[0]) {
    return native(() => this.model.configureOptimizer(config));
  }
  configureLoss(config: Parameters<NativeModel['configureLoss']>[0]) {
    return native(() => this.model.configureLoss(config));
  }
  stateDict() {
    return native(() => this.model.stateDict());
  }
  loadStateDict(state: Parameters<NativeModel['loadStateDict']>[0]) {
    return native(() => this.model.loadStateDict(state));
  }
  async saveWeights(file: string, metadata: Record<string, string> = {}) {
    const state = await this.stateDict();
    writeFileAtomic(file, encodeSafetensors(state, metadata));
  }
  async saveOptimizer(file: string) {
    // libtorch writes the file itself; write beside the target and rename so a kill never leaves half a file.
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await native(() => this.model.saveOptimizer(tmp));
    const fd = fs.openSync(tmp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  }
  loadOptimizer(file: string) {
    if (!fs.existsSync(file)) {
      return Promise.reject(new OsteonError('CHECKPOINT_NOT_FOUND', `No optimizer state at ${file}.`));
    }
    return native(() => this.model.loadOptimizer(file));
  }
  setFrozen(prefixes: string[], frozen: boolean) {
    return native(() => this.model.setFrozen(prefixes, frozen));
  }
  configureAveraging(config: Parameters<NativeModel['configureAveraging']>[0]) {
    return native(() => this.model.configureAveraging(config));
  }
  swapAveraged() {
    return native(() => this.model.swapAveraged());
  }
  seedRandomDraws(seed: number) {
    return native(() => this.model.seedRandomDraws(seed));
  }
  gradCheck(batch: ImageBatch, options: { training?: boolean; samples?: number; seed?: number } = {}) {
    return native(() => this.model.gradCheck(batch.data, batch.shape, options));
  }
  async peakRssMB() {
    return process.resourceUsage().maxRSS / 1024;
  }
  async dispose() {
    // The addon frees the model when it is garbage-collected; nothing holds native resources beyond that.
  }
}
