// Deploying from the command line: train a tiny run, deploy it twice, list, promote, roll back; the deployed file
// is what the inference engine serves, with the run's threshold.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register as registerDeploy } from '../../src/cli/commands/deploy.js';
import { register as registerVersions } from '../../src/cli/commands/versions.js';
import { withStore } from '../../src/data/index.js';
import { InferenceEngine } from '../../src/serve/engine/index.js';
import { ModelRegistry } from '../../src/serve/registry/index.js';
import { updateRun } from '../../src/train/runs.js';
import { trainRun } from '../../src/train/train-run.js';
import { runCommandInProcess } from '../helpers/run-command.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

let workspace: string;
let runId: string;

async function osteon(command: 'deploy' | 'versions', ...args: string[]): Promise<any> {
  const out = await runCommandInProcess(command === 'deploy' ? registerDeploy : registerVersions, command, [...args, '--workspace', workspace, '--json']);
  return JSON.parse(out);
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('osteon deploy and osteon versions', () => {
  beforeAll(async () => {
    ({ workspace } = await syntheticProject({ n: 40, size: 48, seed: 3, name: 'deploying' }));
    const run = await trainRun({
      workspace, project: 'deploying', recipe: { arch: 'resnet18', size: 32, epochs: 1, batchSize: 16, threads: 2, patience: 0 },
    });
    runId = run.id;
    // The threshold evaluation would choose on validation; the deployed model must carry it.
    await withStore(workspace, (store) => updateRun(store, runId, { threshold: 0.31 }));
  }, 300_000);
  afterAll(() => fs.rmSync(path.dirname(workspace), { recursive: true, force: true }));

  it('deploys a run as version 1, with the run\'s threshold in a file the engine serves', async () => {
    const deployed = await osteon('deploy', '--run', runId, '--note', 'first');
    expect(deployed).toMatchObject({ version: 1, runId, arch: 'resnet18', classes: ['fractured', 'normal'], threshold: 0.31, inputSize: 32, note: 'first', deployed: true });
    expect(deployed.sha256).toMatch(/^[0-9a-f]{64}$/);
    const registry = ModelRegistry.open(workspace);
    expect(registry.current()).toEqual(Object.fromEntries(Object.entries(deployed).filter(([k]) => k !== 'deployed')));
    const engine = await InferenceEngine.load(deployed.file, { threads: 1 });
    expect(engine.model).toMatchObject({ runId, threshold: 0.31, classes: ['fractured', 'normal'] });
    await engine.release();
  });

  it('registers without deploying, lists, promotes and rolls back', async () => {
    const second = await osteon('deploy', '--run', runId, '--no-promote');
    expect(second).toMatchObject({ version: 2, deployed: false, note: null });
    let listed = await osteon('versions');
    expect(listed.current).toBe(1);
    expect(listed.versions.map((v: { version: number; deployed: boolean }) => [v.version, v.deployed])).toEqual([[1, true], [2, false]]);

    expect(await osteon('versions', 'promote', 'v2')).toMatchObject({ version: 2, deployed: true, previous: 1 });
    expect((await osteon('versions', 'list')).current).toBe(2);
    expect(await osteon('versions', 'rollback')).toMatchObject({ version: 1, previous: 2 });
    listed = await osteon('versions');
    expect(listed.current).toBe(1);
    expect(listed.history.map((e: { action: string; version: number }) => `${e.action} ${e.version}`)).toEqual(['promote 1', 'promote 2', 'rollback 1']);

    const table = await runCommandInProcess(registerVersions, 'versions', ['--workspace', workspace]);
    const lines = table.trim().split('\n');
    expect(lines[0]).toMatch(/VERSION\s+CREATED\s+RUN\s+ARCH/);
    expect(lines[1]).toMatch(new RegExp(`^\\*\\s+1\\s+\\S+ \\S+\\s+${runId}\\s+resnet18\\s+32\\s+0\\.310\\s.*first$`));
    expect(lines[2]).toMatch(/^\s+2\s/);
  });

  it('answers mistakes with a code and a next step', async () => {
    expect(await osteon('versions', 'rollback')).toMatchObject({ error: { code: 'NO_PREVIOUS_VERSION' } });
    expect(process.exitCode).toBe(2);
    expect(await osteon('versions', 'promote', '7')).toMatchObject({ error: { code: 'MODEL_VERSION_NOT_FOUND' } });
    expect(await osteon('versions', 'promote', 'latest')).toMatchObject({ error: { code: 'BAD_OPTION' } });
    expect(await osteon('deploy', '--run', 'no-such-run')).toMatchObject({ error: { code: 'RUN_NOT_FOUND' } });
    expect((await osteon('versions')).versions).toHaveLength(2);
  });
});
