import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Forks a sibling module as a child process with an IPC channel: the compiled `.js` when running from dist/,
 * the TypeScript source through tsx when running from source (tests, development).
 */
export function forkModule(moduleUrl: URL, env: Record<string, string> = {}): ChildProcess {
  const compiled = fileURLToPath(moduleUrl).replace(/\.ts$/, '.js');
  const source = compiled.replace(/\.js$/, '.ts');
  const useCompiled = fs.existsSync(compiled);
  return fork(useCompiled ? compiled : source, [], {
    execArgv: useCompiled ? [] : ['--import', 'tsx'],
    serialization: 'advanced',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
