import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';

/** A long-running built `osteon` command (a worker) whose stderr lines the test can watch. */
export interface OsteonProcess {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  /** Resolves with the first stderr line matching `pattern` (old or new). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

export function requireBuiltCli(): void {
  if (!fs.existsSync('dist/jobs/index.js') || !fs.existsSync('dist/cli/commands/worker.js')) {
    throw new Error('Build the command first: npx tsc -p tsconfig.json');
  }
}

/** `detached`: the command leads its own process group, so a test can signal the group as a terminal does. */
export function spawnOsteon(args: string[], options: { detached?: boolean } = {}): OsteonProcess {
  const child = spawn(process.execPath, ['bin/osteon.js', ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: options.detached ?? false });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let partial = '';
  child.stderr.on('data', (chunk) => {
    partial += String(chunk);
    const complete = partial.split('\n');
    partial = complete.pop()!;
    for (const line of complete) {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 60_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        } });
      });
    },
  };
}
