import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('osteon bench train prints one JSON object with the measured throughput', async () => {
  const { stdout } = await promisify(execFile)(process.execPath,
    ['bin/osteon.js', 'bench', 'train', '--arch', 'resnet18', '--size', '32', '--batch', '4', '--steps', '2', '--warmup', '1', '--json']);
  const result = JSON.parse(stdout);
  expect(result).toMatchObject({ arch: 'resnet18', size: 32, batch: 4, steps: 2 });
  expect(result.imagesPerSecond).toBeGreaterThan(0);
  expect(result.peakRssMB).toBeGreaterThan(50);
});

it('osteon bench train rejects an unknown architecture with a clear message and exit code 2', async () => {
  const error = await promisify(execFile)(process.execPath, ['bin/osteon.js', 'bench', 'train', '--arch', 'vgg16', '--json']).catch((e) => e);
  expect(error.code).toBe(2);
  expect(JSON.parse(error.stdout).error).toMatchObject({ code: 'UNKNOWN_ARCHITECTURE' });
});
