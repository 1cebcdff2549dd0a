import { OsteonError } from '../../errors.js';
import { parseCsv } from './csv.js';

/** One row of a CSV manifest: `path,label[,patient,split,...]` with a header row. */
export interface ManifestRow {
  /** As written in the CSV: relative to the CSV's folder (or absolute). */
  path: string;
  label: string | null;
  patientId: string | null;
  split: string | null;
}

const PATH_COLUMNS = ['path', 'file', 'filename', 'image', 'filepath'];
const LABEL_COLUMNS = ['label', 'class', 'diagnosis'];
const PATIENT_COLUMNS = ['patient', 'patient_id', 'patientid', 'patient id'];
const SPLIT_COLUMNS = ['split', 'subset', 'fold'];

/** True when the CSV's header names a path column (so it is a manifest, not some other table). */
export function looksLikeManifest(text: string): boolean {
  const header = parseCsv(text.slice(0, 4096).split(/\r?\n/)[0] ?? '')[0] ?? [];
  return header.some((h) => PATH_COLUMNS.includes(h.trim().toLowerCase()));
}

export function parseManifest(text: string, name: string): ManifestRow[] {
  const [header, ...rows] = parseCsv(text);
  const columns = (header ?? []).map((h) => h.trim().toLowerCase());
  const find = (names: string[]) => columns.findIndex((c) => names.includes(c));
  const pathAt = find(PATH_COLUMNS);
  if (pathAt < 0) {
    throw new OsteonError('BAD_MANIFEST', `${name} has no path column: its header row must start like "path,label[,patient,split]".`);
  }
  const labelAt = find(LABEL_COLUMNS);
  const patientAt = find(PATIENT_COLUMNS);
  const splitAt = find(SPLIT_COLUMNS);
  const cell = (row: string[], at: number) => (at >= 0 && (row[at] ?? '').trim() !== '' ? row[at]!.trim() : null);
  return rows
    .filter((row) => cell(row, pathAt) !== null)
    .map((row) => ({ path: cell(row, pathAt)!, label: cell(row, labelAt), patientId: cell(row, patientAt), split: cell(row, splitAt) }));
}
