import fs from 'node:fs';
import os from 'node:os';

/** A one-line description of the machine, printed beside every benchmark figure. */
export function describeMachine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let flags = '';
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const simd = ['avx2', 'avx512f', 'avx512_bf16', 'amx_bf16'].filter((f) => new RegExp(`\\b${f}\\b`).test(info));
    flags = simd.length ? ` (${simd.join(', ')})` : '';
  } catch {
    // not Linux: no flags
  }
  return `${cpu}${flags}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}
