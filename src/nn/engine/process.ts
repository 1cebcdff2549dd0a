import type { ChildProcess } from 'node:child_process';
import { OsteonError } from '../../errors.js';
import { forkModule } from '../../util/fork-module.js';
import type { Graph } from '../ir.js';
import type { LoadReport, StateDict, StepResult } from '../native.js';
import { ENGINE_PROCESS_ENV, type EngineMethod, type EngineRequest, type EngineResponse } from './protocol.js';
import type { EngineOptions, ImageBatch, Targets, TrainableModel } from './types.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * Runs libtorch in a child process: a segfault or an abort inside native code ends that process only, and the
 * caller gets an ENGINE_CRASHED error with the signal instead of losing its own process.
 */
export class ProcessModel implements TrainableModel {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: OsteonError | undefined;
  private readonly ready: Promise<unknown>;

  constructor(graph: Graph, options: EngineOptions = {}) {
    this.child = forkModule(new URL('./child-entry.js', import.meta.url), ENGINE_PROCESS_ENV);
    this.child.on('message', (message: EngineResponse) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error) pending.reject(new OsteonError(message.error.code, message.error.message));
      else pending.resolve(message.result);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = new OsteonError(
        'ENGINE_CRASHED',
        signal
          ? `The training engine process was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}. ` +
            'Lower the batch or input size if this repeats; the last checkpoint is intact.'
          : `The training engine process exited with code ${code}.`,
        { signal, code },
      );
      for (const pending of this.pending.values()) pending.reject(this.exited);
      this.pending.clear();
    });
    this.ready = this.call('create', [graph, options]);
    // Surface a failed creation on the first real call, not as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** The child's pid, e.g. to watch its memory. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private call(method: EngineMethod, args: unknown[]): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: EngineRequest = { id, method, args };
      this.child.send(request, (error) => {
        if (error && this.pending.has(id)) {
          this.pending.delete(id);
          reject(this.exited ?? new OsteonError('ENGINE_CRASHED', `Cannot reach the engine process: ${error.message}`));
        }
      });
    });
  }

  private async invoke<T>(method: EngineMethod, ...args: unknown[]): Promise<T> {
    await this.ready;
    return (await this.call(method, args)) as T;
  }

  trainStep(batch: ImageBatch, targets: Targets, lr: number) {
    return this.invoke<StepResult>('trainStep', batch, targets, lr);
  }
  predict(batch: ImageBatch, options: { features?: boolean; training?: boolean } = {}) {
    return this.invoke<Awaited<ReturnType<TrainableModel['predict']>>>('predict', batch, options);
  }
  configureOptimizer(config: Parameters<TrainableModel['configureOptimizer']>[0]) {
    return this.invoke<void>('configureOptimizer', config);
  }
  configureLoss(config: Parameters<TrainableModel['configureLoss']>[0]) {
    return this.invoke<void>('configureLoss', config);
  }
  stateDict() {
    return this.invoke<StateDict>('stateDict');
  }
  loadStateDict(state: StateDict) {
    return this.invoke<LoadReport>('loadStateDict', state);
  }
  saveWeights(file: string, metadata: Record<string, string> = {}) {
    return this.invoke<void>('saveWeights', file, metadata);
  }
  saveOptimizer(file: string) {
    return this.invoke<void>('saveOptimizer', file);
  }
  loadOptimizer(file: string) {
    return this.invoke<void>('loadOptimizer', file);
  }
  setFrozen(prefixes: string[], frozen: boolean) {
    return this.invoke<number>('setFrozen', prefixes, frozen);
  }
  configureAveraging(config: Parameters<TrainableModel['configureAveraging']>[0]) {
    return this.invoke<void>('configureAveraging', config);
  }
  swapAveraged() {
    return this.invoke<number>('swapAveraged');
  }
  seedRandomDraws(seed: number) {
    return this.invoke<void>('seedRandomDraws', seed);
  }
  gradCheck(batch: ImageBatch, options: { training?: boolean; samples?: number; seed?: number } = {}) {
    return this.invoke<{ maxRelativeError: number; checked: number }>('gradCheck', batch, options);
  }
  peakRssMB() {
    return this.invoke<number>('peakRssMB');
  }
  async dispose() {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }
}
