import os from 'node:os';
import { createModelGraph } from '../nn/registry.js';
import { createTrainableModel, ENGINE_PROCESS_ENV, resolvePrecision, type EngineOptions, type PrecisionChoice } from '../nn/engine/index.js';
import { OsteonError } from '../errors.js';
import { forkModule } from '../util/fork-module.js';
import '../nn/zoo/index.js';

export interface ThroughputOptions {
  arch: string;
  size: number;
  batch: number;
  /** Timed steps, after `warmup` untimed ones. */
  steps: number;
  warmup?: number;
  channels?: 1 | 3;
  threads?: number;
  device?: EngineOptions['device'];
  isolation?: EngineOptions['isolation'];
  /** Default fp32, so a figure means the same on every machine unless asked otherwise. */
  precision?: PrecisionChoice;
}

export interface ThroughputResult {
  arch: string;
  size: number;
  batch: number;
  steps: number;
  threads: number;
  precision: NonNullable<EngineOptions['precision']>;
  /** Set when the precision works but is slow on this machine (bf16 without native support). */
  precisionWarning?: string;
  imagesPerSecond: number;
  secondsPerStep: number;
  peakRssMB: number;
}

/**
 * Training speed of one architecture on random data: forward, backward and AdamW step, as a real run does.
 * Measures the engine alone (no data loading).
 */
export async function measureTrainingThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const channels = options.channels ?? 3;
  const threads = options.threads ?? os.availableParallelism();
  const graph = createModelGraph(options.arch, { inputChannels: channels });
  const precision = resolvePrecision(options.precision ?? 'fp32', { arch: options.arch, device: options.device });
  const model = createTrainableModel(graph, {
    threads,
    device: options.device,
    isolation: options.isolation,
    seed: 1,
    precision: precision.precision,
  });
  try {
    const { batch, size } = options;
    const data = new Float32Array(batch * size * size * channels);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.618) * 0.5;
    const labels = Int32Array.from({ length: batch }, (_, i) => i % 2);
    const input = { data, shape: [batch, size, size, channels] as [number, number, number, number] };
    await model.configureOptimizer({ type: 'adamw', lr: 1e-4 });
    for (let i = 0; i < (options.warmup ?? 2); i++) await model.trainStep(input, labels, 1e-4);
    const start = process.hrtime.bigint();
    for (let i = 0; i < options.steps; i++) await model.trainStep(input, labels, 1e-4);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return {
      arch: options.arch,
      size,
      batch,
      steps: options.steps,
      threads,
      precision: precision.precision,
      ...(precision.warning ? { precisionWarning: precision.warning } : {}),
      imagesPerSecond: (batch * options.steps) / seconds,
      secondsPerStep: seconds / options.steps,
      peakRssMB: Math.round(await model.peakRssMB()),
    };
  } finally {
    await model.dispose();
  }
}

/**
 * The measurement in its own engine process (allocator and threading settings of a training run), with the
 * batch made there too: a real run's loader lives in the engine process, so no image crosses a process boundary.
 */
export function measureInEngineProcess(options: ThroughputOptions): Promise<ThroughputResult> {
  const child = forkModule(new URL('./throughput-entry.js', import.meta.url), ENGINE_PROCESS_ENV);
  return new Promise((resolve, reject) => {
    let settled = false;
    child.once('message', (message: { result?: ThroughputResult; error?: { code: string; message: string } }) => {
      settled = true;
      if (message.result) resolve(message.result);
      else reject(new OsteonError(message.error!.code, message.error!.message));
    });
    child.once('exit', (code, signal) => {
      if (!settled) reject(new OsteonError('ENGINE_CRASHED', `The benchmark process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}.`));
    });
    child.send(options);
  });
}
