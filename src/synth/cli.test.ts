import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../cli/commands/synth.js';
import { runCommandInProcess } from '../../test/helpers/run-command.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-synth-cli-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const runSynth = (args: string[]) => runCommandInProcess(register, 'synth', args);

describe('osteon synth', () => {
  it('prints {dir, n} as one JSON document', async () => {
    const out = path.join(scratch, 'set');
    const printed = await runSynth(['--out', out, '--n', '4', '--size', '48', '--seed', '3', '--json']);
    const result = JSON.parse(printed) as { dir: string; n: number };
    expect(result).toMatchObject({ dir: out, n: 4 });
    expect(fs.existsSync(path.join(out, 'truth.json'))).toBe(true);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('reports a bad option as an error with a code', async () => {
    const printed = await runSynth(['--out', path.join(scratch, 'bad'), '--n', 'many', '--json']);
    expect(JSON.parse(printed)).toMatchObject({ error: { code: 'BAD_OPTION' } });
    expect(process.exitCode).toBe(2);
  });
});
