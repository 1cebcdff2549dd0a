import type { DatasetStore } from './store.js';
import type { Split } from './types.js';

/** A duplicate group or a patient whose images sit in more than one split. */
export interface CrossingGroup {
  kind: 'duplicate' | 'patient';
  /** The duplicate group id, or the patient id. */
  group: number | string;
  splits: Partial<Record<Split, number>>;
  imageIds: number[];
}

interface Member {
  id: number;
  split: Split | null;
  key: number | string | null;
}

function crossing(kind: CrossingGroup['kind'], members: Member[]): CrossingGroup[] {
  const byKey = new Map<number | string, Member[]>();
  for (const m of members) {
    if (m.key === null || m.split === null) continue;
    const list = byKey.get(m.key);
    if (list) list.push(m);
    else byKey.set(m.key, [m]);
  }
  const out: CrossingGroup[] = [];
  for (const [group, list] of byKey) {
    const splits: Partial<Record<Split, number>> = {};
    for (const m of list) splits[m.split!] = (splits[m.split!] ?? 0) + 1;
    if (Object.keys(splits).length > 1) out.push({ kind, group, splits, imageIds: list.map((m) => m.id) });
  }
  return out;
}

/** Every near-duplicate group and every patient whose images cross splits (images in no split are ignored). */
export function findLeakage(store: DatasetStore, projectId: number): CrossingGroup[] {
  const rows = store.db
    .prepare('SELECT id, split, duplicate_group, patient_id FROM images WHERE project_id = ? ORDER BY id')
    .all(projectId) as Array<{ id: number; split: Split | null; duplicate_group: number | null; patient_id: string | null }>;
  return [
    ...crossing('duplicate', rows.map((r) => ({ id: r.id, split: r.split, key: r.duplicate_group }))),
    ...crossing('patient', rows.map((r) => ({ id: r.id, split: r.split, key: r.patient_id }))),
  ];
}
