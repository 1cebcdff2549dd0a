// The queue from the command line, without a worker: train --detach enqueues, jobs list/show/cancel see it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register as registerJobs } from '../../src/cli/commands/jobs.js';
import { register as registerSweep } from '../../src/cli/commands/sweep.js';
import { register as registerTrain } from '../../src/cli/commands/train.js';
import { createProject, openStore } from '../../src/data/index.js';
import { runCommandInProcess } from '../helpers/run-command.js';

describe('osteon jobs, and train/sweep --queue --detach', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-jobs-cli-'));
  const store = openStore(workspace);
  createProject(store, 'p');
  store.close();

  it('enqueues, lists, shows and cancels', async () => {
    const train = JSON.parse(await runCommandInProcess(registerTrain, 'train',
      ['--project', 'p', '--arch', 'resnet18,squeezenet1_1', '--epochs', '2', '--queue', 'embedded', '--detach', '--workspace', workspace, '--json']));
    expect(train.jobs).toHaveLength(2);
    expect(train.jobs[0]).toMatchObject({ kind: 'train', status: 'queued' });

    const sweep = JSON.parse(await runCommandInProcess(registerSweep, 'sweep',
      ['--project', 'p', '--arch', 'resnet18', '--grid', 'lr=1e-3,3e-4', '--queue', 'embedded', '--detach', '--workspace', workspace, '--json']));
    expect(sweep.jobs.map((j: { params: { lr: string } }) => j.params.lr)).toEqual(['1e-3', '3e-4']);

    const listed = JSON.parse(await runCommandInProcess(registerJobs, 'jobs', ['list', '--workspace', workspace, '--json']));
    expect(listed.jobs.map((j: { kind: string }) => j.kind)).toEqual(['train', 'train', 'sweep-trial', 'sweep-trial']);
    const trials = JSON.parse(await runCommandInProcess(registerJobs, 'jobs', ['list', '--group', sweep.sweep, '--workspace', workspace, '--json']));
    expect(trials.jobs).toHaveLength(2);

    const id = train.jobs[1].id;
    const shown = JSON.parse(await runCommandInProcess(registerJobs, 'jobs', ['show', id, '--workspace', workspace, '--json']));
    expect(shown.job).toMatchObject({ id, status: 'queued', payload: { project: 'p', recipe: { arch: 'squeezenet1_1', epochs: 2 } } });
    const cancelled = JSON.parse(await runCommandInProcess(registerJobs, 'jobs', ['cancel', id, '--workspace', workspace, '--json']));
    expect(cancelled.job.status).toBe('cancelled');
    const onlyCancelled = JSON.parse(await runCommandInProcess(registerJobs, 'jobs', ['list', '--status', 'cancelled', '--workspace', workspace, '--json']));
    expect(onlyCancelled.jobs.map((j: { id: string }) => j.id)).toEqual([id]);
  });

  it('says what to do about an unknown job or queue', async () => {
    const missing = JSON.parse(await runCommandInProcess(registerJobs, 'jobs', ['show', 'job-nope', '--workspace', workspace, '--json']));
    expect(missing.error.code).toBe('JOB_NOT_FOUND');
    const badQueue = JSON.parse(await runCommandInProcess(registerJobs, 'jobs', ['list', '--queue', 'amqp://x', '--workspace', workspace, '--json']));
    expect(badQueue.error).toMatchObject({ code: 'BAD_QUEUE' });
    expect(badQueue.error.message).toMatch(/redis:\/\/HOST:PORT/);
  });
});
