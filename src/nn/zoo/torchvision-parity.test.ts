/**
 * Runs every zoo graph that mirrors a torchvision model on torchvision's weights with PyTorch and compares it with torchvision's own forward
 * pass: the names, shapes and hyperparameters tested in zoo.test.ts could all be right while a branch is
 * wired to the wrong value. Needs Debian's PyTorch (`scripts/setup.sh --bench`); skipped without it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createModelGraph, listTorchvisionModels } from '../registry.js';
import './index.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../../scripts/torchvision-keys.py', import.meta.url));
const hasTorchvision = spawnSync(PYTHON, ['-c', 'import torchvision'], { stdio: 'ignore' }).status === 0;

interface ParityRow {
  arch: string;
  size: number;
  logitsShape: number[];
  featureMapShape: number[];
  logitsError: number | null;
  featureMapError: number | null;
}

describe.skipIf(!hasTorchvision)('zoo graphs compute what torchvision computes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osteon-zoo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same logits and feature map for every architecture', () => {
    const archs = listTorchvisionModels();
    for (const arch of archs) writeFileSync(join(dir, `${arch}.json`), JSON.stringify(createModelGraph(arch)));
    const run = spawnSync(PYTHON, [SCRIPT, '--check', dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(run.status, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as ParityRow[];
    expect(rows.map((r) => r.arch).sort()).toEqual(archs);
    for (const row of rows) {
      expect(row.logitsShape, row.arch).toEqual([1, 2]);
      expect(row.logitsError, row.arch).not.toBeNull();
      expect(row.logitsError!, row.arch).toBeLessThan(1e-4);
      expect(row.featureMapError, row.arch).not.toBeNull();
      expect(row.featureMapError!, row.arch).toBeLessThan(1e-4);
    }
  });
});
