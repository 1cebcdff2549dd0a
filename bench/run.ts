// `npm run bench`: the benchmarks of this folder, each a script whose opening comment says what it measures.
// Without a name it lists them; `npm run bench -- NAME [options]` runs bench/NAME.ts with those options.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = path.dirname(fileURLToPath(import.meta.url));

/** The first sentence of a script's opening comment (cut short), or null for a module that is not a benchmark. */
function summary(file: string): string | null {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (!/^(\/\/|\/\*\*)/.test(lines[0] ?? '')) return null;
  const firstCode = lines.findIndex((line) => !/^\s*(\/\/|\/\*\*|\*)/.test(line));
  const comment = lines
    .slice(0, firstCode < 0 ? lines.length : firstCode)
    .map((line) => line.replace(/^\s*(\/\/|\/\*\*|\*\/|\*)\s?/, '').trim())
    .filter(Boolean)
    .join(' ');
  const end = comment.search(/\.(\s|$)/);
  const sentence = end < 0 ? comment : comment.slice(0, end);
  return sentence.length > 110 ? `${sentence.slice(0, 109).trimEnd()}…` : sentence;
}

const benchmarks = fs.readdirSync(folder)
  .filter((name) => name.endsWith('.ts') && name !== 'run.ts')
  .flatMap((name) => {
    const text = summary(path.join(folder, name));
    return text ? [{ name: name.slice(0, -3), text }] : [];
  })
  .sort((a, b) => a.name.localeCompare(b.name));

const [name, ...options] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  console.log('npm run bench -- NAME [options]   (options: see the usage at the top of bench/NAME.ts)\n');
  const width = Math.max(...benchmarks.map((b) => b.name.length));
  for (const b of benchmarks) console.log(`  ${b.name.padEnd(width)}  ${b.text}`);
  console.log('\nResults, with the machine and the baseline of each run: BENCHMARKS.md');
} else if (!benchmarks.some((b) => b.name === name)) {
  console.error(`No benchmark "${name}"; known: ${benchmarks.map((b) => b.name).join(', ')}.`);
  process.exit(2);
} else {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(folder, `${name}.ts`), ...options], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
