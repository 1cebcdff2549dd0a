/**
 * Import throughput: the whole bone-xray-dev set (3,691 files) into a fresh temporary workspace, with the
 * decoding threads (the default) and, as the baseline in the same run, decoding on the main thread; the two
 * alternate so a drifting machine affects both alike.
 * Run: npx tsx bench/import.ts [path] [--rounds N]. Prints images/s and the process's CPU time per file with
 * the machine it ran on (load included: throughput on a busy machine is a lower bound).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../src/data/store.js';
import { createProject } from '../src/data/projects.js';
import { importPath } from '../src/data/import/index.js';
import { describeMachine } from './machine.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '3' } } });
const source = path.resolve(positionals[0] ?? '../shared/datasets/bone-xray-dev');
const rounds = Number(values.rounds);

interface Measure {
  files: number;
  unreadable: number;
  seconds: number;
  imagesPerSecond: number;
  /** CPU time of every thread of the process per file: steadier than img/s on a shared machine. */
  cpuMsPerFile: number;
}

async function importOnce(threads: number | undefined): Promise<Measure> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-bench-import-'));
  const store = openStore(dir);
  try {
    const project = createProject(store, 'bench');
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const report = await importPath(store, project, source, { threads });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const files = report.imported + report.alreadyPresent + report.unreadable.length;
    return {
      files,
      unreadable: report.unreadable.length,
      seconds: Number(seconds.toFixed(2)),
      imagesPerSecond: Number((files / seconds).toFixed(1)),
      cpuMsPerFile: Number(((cpu.user + cpu.system) / 1e3 / files).toFixed(2)),
    };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const loadBefore = os.loadavg()[0]!;
const threaded: Measure[] = [];
const mainThread: Measure[] = [];
for (let round = 0; round < rounds; round++) {
  threaded.push(await importOnce(undefined));
  mainThread.push(await importOnce(0));
  console.error(`round ${round + 1}/${rounds}: ${threaded.at(-1)!.imagesPerSecond} img/s threaded, ${mainThread.at(-1)!.imagesPerSecond} img/s on the main thread`);
}
const ratios = threaded.map((t, i) => t.imagesPerSecond / mainThread[i]!.imagesPerSecond);
console.log(JSON.stringify({
  files: threaded[0]!.files,
  unreadable: threaded[0]!.unreadable,
  threaded: { medianImagesPerSecond: median(threaded.map((m) => m.imagesPerSecond)), runs: threaded },
  mainThreadBaseline: { medianImagesPerSecond: median(mainThread.map((m) => m.imagesPerSecond)), runs: mainThread },
  speedupPerRound: ratios.map((r) => Number(r.toFixed(2))),
  medianSpeedup: Number(median(ratios).toFixed(2)),
  machine: describeMachine(),
  load: { loadAverage1mBefore: Number(loadBefore.toFixed(2)), loadAverage1mAfter: Number(os.loadavg()[0]!.toFixed(2)) },
}, null, 2));
