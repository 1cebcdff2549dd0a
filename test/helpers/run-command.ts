import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { vi } from 'vitest';
import type { RegisterCommand } from '../../src/cli/commands/index.js';

/**
 * Runs one command in-process, as `osteon NAME ...args`, and returns what it printed on stdout (stderr is
 * silenced). Callers restore the spies with `vi.restoreAllMocks()` after each test.
 */
export async function runCommandInProcess(register: RegisterCommand, name: string, args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await program.parseAsync(['node', 'osteon', name, ...args]);
  return stdout;
}

/** Runs the built `osteon` command (bin/osteon.js) in its own process; rejects with the exit code on failure. */
export function runBuiltOsteon(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['bin/osteon.js', ...args], { maxBuffer: 64 << 20 });
}
