import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';

/**
 * Each command file in this folder exports one `register` function for the command of its name (`train.ts`
 * registers `osteon train`); the folder itself is the list of commands.
 */
export type RegisterCommand = (program: Command) => void;

const COMMAND_FILE = /^(?!index\.)[a-z][a-z0-9-]*\.(js|ts)$/;

/** The command files beside this file (compiled `.js` in dist, `.ts` when run from source), in name order. */
export function commandFiles(): string[] {
  const folder = path.dirname(fileURLToPath(import.meta.url));
  return fs.readdirSync(folder)
    .filter((name) => COMMAND_FILE.test(name) && !name.endsWith('.d.ts') && !name.includes('.test.'))
    .sort()
    .map((name) => path.join(folder, name));
}

/** The command a command line names: its first word that is not an option. */
function commandWord(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((word) => !word.startsWith('-'));
}

/**
 * The register functions a command line needs: only its own command's file when it names one (importing every
 * command pulls in the server, the training engine and the image stack, over a second of start-up), else all of
 * them (help, a mistyped command that commander answers with suggestions).
 */
export async function loadCommands(argv: readonly string[] = []): Promise<RegisterCommand[]> {
  const word = commandWord(argv);
  if (word === undefined && argv.some((a) => a === '--version' || a === '-V')) return [];
  const files = commandFiles();
  const own = files.filter((file) => path.basename(file).replace(/\.(js|ts)$/, '') === word);
  const chosen = own.length > 0 ? own : files;
  const modules = await Promise.all(chosen.map((file) => import(pathToFileURL(file).href) as Promise<{ register?: RegisterCommand }>));
  return modules.flatMap((m, i) => {
    if (typeof m.register !== 'function') throw new Error(`The command file ${path.basename(chosen[i]!)} exports no register function.`);
    return [m.register];
  });
}
