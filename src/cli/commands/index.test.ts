import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandFiles, loadCommands, type RegisterCommand } from './index.js';

const registered = (registers: RegisterCommand[]) => {
  const program = new Command();
  for (const register of registers) register(program);
  return program.commands.map((c) => c.name());
};

describe('command files', () => {
  it('each registers exactly the command of its name, so a command line needs only its own file', async () => {
    const files = commandFiles();
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const { register } = (await import(pathToFileURL(file).href)) as { register: RegisterCommand };
      expect(registered([register]), path.basename(file)).toEqual([path.basename(file).replace(/\.(js|ts)$/, '')]);
    }
  });

  it('loads one command for a command line that names it, all of them otherwise', async () => {
    expect(registered(await loadCommands(['node', 'osteon', 'compare', '--project', 'p']))).toEqual(['compare']);
    const all = registered(await loadCommands(['node', 'osteon', '--help']));
    expect(all).toContain('train');
    expect(all).toContain('serve');
    expect(all.length).toBe(commandFiles().length);
    expect(registered(await loadCommands(['node', 'osteon', 'trian']))).toEqual(all);
    expect(await loadCommands(['node', 'osteon', '--version'])).toEqual([]);
  });
});
