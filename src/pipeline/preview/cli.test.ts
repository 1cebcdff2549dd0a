import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../cli/commands/augment.js';
import { runCommandInProcess } from '../../../test/helpers/run-command.js';
import { syntheticWorkspace, type TestWorkspace } from '../test-support.js';

let ws: TestWorkspace;
beforeAll(async () => {
  ws = await syntheticWorkspace(12);
});
afterAll(() => ws.remove());
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const runAugment = (args: string[]) => runCommandInProcess(register, 'augment', args);

describe('osteon augment preview', () => {
  it('writes the grid and prints {file} as one JSON document', async () => {
    const out = path.join(ws.root, 'grid.png');
    const printed = await runAugment(['preview', '--project', 'p', '--n', '4', '--size', '32', '--out', out, '--workspace', ws.workspace, '--json']);
    const result = JSON.parse(printed) as { file: string; samples: unknown[] };
    expect(result.file).toBe(out);
    expect(result.samples).toHaveLength(4);
    expect((await sharp(fs.readFileSync(out)).metadata()).format).toBe('png');
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('reports an unknown project with its code and a failing exit status', async () => {
    const printed = await runAugment(['preview', '--project', 'nope', '--out', path.join(ws.root, 'x.png'), '--workspace', ws.workspace, '--json']);
    expect(JSON.parse(printed)).toMatchObject({ error: { code: 'PROJECT_NOT_FOUND' } });
    expect(process.exitCode).toBe(2);
  });
});
