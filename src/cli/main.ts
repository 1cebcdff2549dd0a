import { Command } from 'commander';
import { loadCommands } from './commands/index.js';
import { VERSION } from '../version.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('osteon')
    .description('Train, compare and deploy classifiers of bone radiographs (fractured vs normal).')
    .version(VERSION)
    .showHelpAfterError();
  for (const register of await loadCommands(argv)) register(program);
  await program.parseAsync(argv);
}
