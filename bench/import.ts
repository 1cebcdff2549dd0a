/**
 * Import throughput: the whole bone-xray-dev set (3,691 files) into a fresh temporary workspace.
 * Run: npx tsx bench/import.ts [path]. Prints images/s and the process's CPU time per file with the machine it
 * ran on (load included: throughput on a busy machine is a lower bound).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/data/store.js';
import { createProject } from '../src/data/projects.js';
import { importPath } from '../src/data/import/index.js';

const source = path.resolve(process.argv[2] ?? '../shared/datasets/bone-xray-dev');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-bench-import-'));
const store = openStore(dir);
try {
  const project = createProject(store, 'bench');
  const loadBefore = os.loadavg()[0]!;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const report = await importPath(store, project, source);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const files = report.imported + report.alreadyPresent + report.unreadable.length;
  const result = {
    files,
    imported: report.imported,
    unreadable: report.unreadable.length,
    seconds: Number(seconds.toFixed(2)),
    imagesPerSecond: Number((files / seconds).toFixed(1)),
    processCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    // CPU time of every thread of the process (decoding threads included) per file: steadier than img/s on a
    // shared machine; 200 img/s on 2 cores needs at most 10 ms.
    cpuMsPerFile: Number(((cpu.user + cpu.system) / 1e3 / files).toFixed(2)),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      memoryGB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      loadAverage1mBefore: Number(loadBefore.toFixed(2)),
      loadAverage1mAfter: Number(os.loadavg()[0]!.toFixed(2)),
      node: process.version,
    },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
