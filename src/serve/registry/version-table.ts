import type { ModelVersion } from './model-version.js';

/** One line about a version: what a person checks before and after deploying it. */
export function describeVersion(v: ModelVersion): string {
  const parts = [v.runId ? `run ${v.runId}` : null, v.arch, `${v.inputSize} px`, `threshold ${v.threshold.toFixed(3)}`, megabytes(v.bytes), `sha256 ${v.sha256.slice(0, 12)}`];
  return `version ${v.version} (${parts.filter((p) => p !== null).join(', ')})${v.note ? `: ${v.note}` : ''}`;
}

/** The versions as an aligned table, oldest first, the deployed one marked with `*`. */
export function versionTable(versions: ModelVersion[], deployed: number | null): string {
  if (versions.length === 0) return 'no model versions yet: deploy a run with `osteon deploy --run RUN`';
  const header = ['', 'VERSION', 'CREATED', 'RUN', 'ARCH', 'INPUT', 'THRESHOLD', 'SIZE', 'SHA256', 'NOTE'];
  const rows = versions.map((v) => [
    v.version === deployed ? '*' : '',
    String(v.version),
    v.createdAt.slice(0, 16).replace('T', ' '),
    v.runId ?? '-',
    v.arch ?? '-',
    `${v.inputSize}`,
    v.threshold.toFixed(3),
    megabytes(v.bytes),
    v.sha256.slice(0, 12),
    v.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((cells) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function megabytes(bytes: number): string {
  return bytes < 100_000 ? `${(bytes / 1000).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}
