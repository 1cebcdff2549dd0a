import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';

/** Each command file in this folder exports one `register` function; the folder itself is the list of commands. */
export type RegisterCommand = (program: Command) => void;

const COMMAND_FILE = /^(?!index\.)[a-z][a-z0-9-]*\.(js|ts)$/;

/** The command modules beside this file (compiled `.js` in dist, `.ts` when run from source), in name order. */
export async function loadCommands(): Promise<RegisterCommand[]> {
  const folder = path.dirname(fileURLToPath(import.meta.url));
  const files = fs
    .readdirSync(folder)
    .filter((name) => COMMAND_FILE.test(name) && !name.endsWith('.d.ts'))
    .sort();
  const modules = await Promise.all(files.map((name) => import(pathToFileURL(path.join(folder, name)).href) as Promise<{ register?: RegisterCommand }>));
  return modules.flatMap((m, i) => {
    if (typeof m.register !== 'function') throw new Error(`The command file ${files[i]} exports no register function.`);
    return [m.register];
  });
}
