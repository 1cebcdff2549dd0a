// Strict TypeScript holds for everything in the repository, not only what the build compiles: the tests and
// the benchmarks run through tsx, which strips types without checking them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

it.each(['tsconfig.all.json', 'web/tsconfig.json'])('%s type-checks without errors', (project) => {
  const run = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: root, encoding: 'utf8' });
  expect(run.stdout + run.stderr).toBe('');
  expect(run.status).toBe(0);
}, 180_000);
