import { fork, type ChildProcess } from 'node:child_process';
import { siblingModule } from './sibling-module.js';

/**
 * Forks a sibling module as a child process with an IPC channel: the compiled `.js` when running from dist/,
 * the TypeScript source through tsx when running from source (tests, development).
 */
export function forkModule(moduleUrl: URL, env: Record<string, string> = {}): ChildProcess {
  const { file, compiled } = siblingModule(moduleUrl);
  return fork(file, [], {
    execArgv: compiled ? [] : ['--import', 'tsx'],
    serialization: 'advanced',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
