import { expect, it } from 'vitest';
import { runBuiltOsteon } from '../helpers/run-command.js';

it('osteon bench train prints one JSON object with the measured throughput', async () => {
  const { stdout } = await runBuiltOsteon(
    ['bench', 'train', '--arch', 'resnet18', '--size', '32', '--batch', '4', '--steps', '2', '--warmup', '1', '--json']);
  const result = JSON.parse(stdout);
  expect(result).toMatchObject({ arch: 'resnet18', size: 32, batch: 4, steps: 2 });
  expect(result.imagesPerSecond).toBeGreaterThan(0);
  expect(result.peakRssMB).toBeGreaterThan(50);
});

it('osteon bench train rejects an unknown architecture with a clear message and exit code 2', async () => {
  const error = await runBuiltOsteon(['bench', 'train', '--arch', 'vgg16', '--json']).catch((e) => e);
  expect(error.code).toBe(2);
  expect(JSON.parse(error.stdout).error).toMatchObject({ code: 'UNKNOWN_ARCHITECTURE' });
});
