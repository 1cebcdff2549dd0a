// Runs one throughput measurement in a fresh engine process, data made in-process as a training run makes it.
import { measureTrainingThroughput, type ThroughputOptions } from './throughput.js';

process.once('message', async (options: ThroughputOptions) => {
  try {
    process.send?.({ result: await measureTrainingThroughput({ ...options, isolation: 'inline' }) });
  } catch (error) {
    const e = error as Error & { code?: string };
    process.send?.({ error: { code: e.code ?? 'ENGINE_ERROR', message: e.message } });
  }
  process.disconnect?.();
});
