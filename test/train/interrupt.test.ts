// Stopping `osteon train` the ways people do: Ctrl-C in a terminal (SIGINT to the whole process group, the
// training process included) and a service manager's SIGTERM. Either ends the run after its current step,
// `stopped`, with its last complete epoch resumable; nothing is left `running`.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/data/index.js';
import { getRun } from '../../src/train/runs.js';
import { requireBuiltCli, spawnOsteon } from '../helpers/osteon-process.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

let workspace: string;

beforeAll(async () => {
  requireBuiltCli();
  ({ workspace } = await syntheticProject({ n: 120, size: 48 }));
}, 120_000);

afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

async function trainThenSignal(signal: 'SIGINT' | 'SIGTERM', target: 'group' | 'command') {
  const osteon = spawnOsteon(['train', '--project', 'synthetic', '--arch', 'small_cnn', '--size', '32', '--epochs', '200',
    '--batch', '8', '--set', 'patience=0', '--set', 'threads=1', '--workspace', workspace, '--json'], { detached: true });
  const stdout: string[] = [];
  osteon.child.stdout.on('data', (chunk) => stdout.push(String(chunk)));
  await osteon.waitForLine(/^epoch 1:/, 90_000);
  process.kill(target === 'group' ? -osteon.child.pid! : osteon.child.pid!, signal);
  const code = await osteon.exited;
  const printed = JSON.parse(stdout.join('') || '{}') as { runs?: Array<{ id: string; status: string; epochs: number }> };
  expect(printed.runs, `exit code ${code}, stderr:\n${osteon.lines.slice(-5).join('\n')}`).toHaveLength(1);
  const runs = printed.runs!;
  const store = openStore(workspace);
  try {
    return { code, printed: runs[0]!, stored: getRun(store, runs[0]!.id), lines: osteon.lines };
  } finally {
    store.close();
  }
}

describe('osteon train, interrupted', () => {
  it('Ctrl-C to the process group stops the run after its current step, stopped and resumable', async () => {
    const { code, printed, stored, lines } = await trainThenSignal('SIGINT', 'group');
    expect(lines.join('\n')).toMatch(/stopping after the current step/);
    expect(code).toBe(0);
    expect(printed.status).toBe('stopped');
    expect(stored.status).toBe('stopped');
    expect(stored.epochsDone).toBeGreaterThanOrEqual(1);
    expect(stored.epochsDone).toBeLessThan(200);
  }, 180_000);

  it('SIGTERM to the command does the same', async () => {
    const { code, stored } = await trainThenSignal('SIGTERM', 'command');
    expect(code).toBe(0);
    expect(stored.status).toBe('stopped');
    expect(stored.epochsDone).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
