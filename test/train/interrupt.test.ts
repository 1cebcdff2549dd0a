// Stopping `osteon train` the ways people do: Ctrl-C in a terminal (SIGINT to the whole process group, the
// training process included) and a service manager's SIGTERM. Either ends the run after its current step,
// `stopped`, with its last complete epoch resumable; nothing is left `running`. And the way nobody chooses: kill -9 of
// the whole group, after which the run reads `interrupted` instead of `running` forever.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProject, openStore } from '../../src/data/index.js';
import { getRun, listRuns, type Run } from '../../src/train/runs.js';
import { requireBuiltCli, spawnOsteon } from '../helpers/osteon-process.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

let workspace: string;

beforeAll(async () => {
  requireBuiltCli();
  ({ workspace } = await syntheticProject({ n: 120, size: 48 }));
}, 120_000);

afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

const trainArgs = ['train', '--project', 'synthetic', '--arch', 'small_cnn', '--size', '32', '--epochs', '200',
  '--batch', '8', '--set', 'patience=0', '--set', 'threads=1'];

function storedRuns(): Run[] {
  const store = openStore(workspace);
  try {
    return listRuns(store, getProject(store, 'synthetic').id);
  } finally {
    store.close();
  }
}

/** Runs a short osteon command to its end: exit code, stdout, stderr. */
async function osteonOnce(args: string[]) {
  const osteon = spawnOsteon([...args, '--workspace', workspace]);
  const stdout: string[] = [];
  osteon.child.stdout.on('data', (chunk) => stdout.push(String(chunk)));
  const code = await osteon.exited;
  return { code, stdout: stdout.join(''), stderr: osteon.lines.join('\n') };
}

async function trainThenSignal(signal: 'SIGINT' | 'SIGTERM', target: 'group' | 'command', archs = 'small_cnn') {
  const args = trainArgs.map((a) => (a === 'small_cnn' ? archs : a));
  const osteon = spawnOsteon([...args, '--workspace', workspace, '--json'], { detached: true });
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
  it('Ctrl-C to the process group stops the run after its current step, stopped and resumable, and trains nothing more', async () => {
    // Two architectures asked for: the second must not start after the Ctrl-C.
    const { code, printed, stored, lines } = await trainThenSignal('SIGINT', 'group', 'small_cnn,small_cnn');
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

  it('Ctrl-C ends a sweep after its current trial, with the table of the trials done', async () => {
    const osteon = spawnOsteon(['sweep', '--project', 'synthetic', '--arch', 'small_cnn', '--grid', 'lr=1e-3,3e-4,1e-4',
      '--size', '32', '--epochs', '200', '--set', 'batchSize=8', '--set', 'patience=0', '--set', 'threads=1',
      '--workspace', workspace, '--json'], { detached: true });
    const stdout: string[] = [];
    osteon.child.stdout.on('data', (chunk) => stdout.push(String(chunk)));
    await osteon.waitForLine(/^epoch 1:/, 90_000);
    process.kill(-osteon.child.pid!, 'SIGINT');
    expect(await osteon.exited).toBe(0);
    const printed = JSON.parse(stdout.join('')) as { trials: Array<{ status: string; params: Record<string, string> }> };
    expect(printed.trials).toHaveLength(1);
    expect(printed.trials[0]).toMatchObject({ status: 'stopped', params: { lr: '1e-3' } });
  }, 180_000);

  it('kill -9 of the group leaves the run interrupted, not running; a live run refuses a second trainer', async () => {
    const before = new Set(storedRuns().map((r) => r.id));
    const osteon = spawnOsteon([...trainArgs, '--workspace', workspace], { detached: true });
    await osteon.waitForLine(/^epoch 1:/, 90_000);
    const run = storedRuns().find((r) => !before.has(r.id))!;
    expect(run.status).toBe('running');

    const second = await osteonOnce(['train', '--resume', run.id]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/still training/);

    process.kill(-osteon.child.pid!, 'SIGKILL');
    await osteon.exited;
    // The training process dies a moment after the command whose exit was just seen.
    const deadline = Date.now() + 10_000;
    while (storedRuns().find((r) => r.id === run.id)!.status === 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const killed = storedRuns().find((r) => r.id === run.id)!;
    expect(killed.status).toBe('interrupted');
    expect(killed.epochsDone).toBeGreaterThanOrEqual(1);
    const listed = await osteonOnce(['runs', 'list', '--project', 'synthetic']);
    expect(listed.stdout).toMatch(new RegExp(`${run.id}\\s+interrupted`));
    expect(listed.stdout).toContain(`osteon train --resume ${run.id}`);

    // It resumes from its last complete epoch, and reads running again while it trains.
    const resumed = spawnOsteon(['train', '--resume', run.id, '--workspace', workspace], { detached: true });
    // The checkpoint is written before the store's epoch count, so a kill between the two leaves the checkpoint ahead.
    const from = Number(/resumed after epoch (\d+)/.exec(await resumed.waitForLine(/resumed after epoch \d+/, 90_000))![1]);
    expect(from - killed.epochsDone).toBeGreaterThanOrEqual(0);
    expect(from - killed.epochsDone).toBeLessThanOrEqual(1);
    await resumed.waitForLine(new RegExp(`^epoch ${from + 1}:`), 90_000);
    expect(storedRuns().find((r) => r.id === run.id)!.status).toBe('running');
    process.kill(-resumed.child.pid!, 'SIGINT');
    expect(await resumed.exited).toBe(0);
    expect(storedRuns().find((r) => r.id === run.id)!.status).toBe('stopped');
  }, 240_000);
});
