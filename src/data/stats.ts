import { findLeakage, type CrossingGroup } from './leakage.js';
import { getProject } from './projects.js';
import type { DatasetStore } from './store.js';
import { REVIEW_STATUSES, SPLITS } from './types.js';

export interface DatasetStats {
  project: { id: number; name: string; classes: string[] };
  images: number;
  /** Per class, plus `unlabelled`. */
  byLabel: Record<string, number>;
  byStatus: Record<string, number>;
  /** train/val/test plus `none`. */
  bySplit: Record<string, number>;
  /** Per split (and `none`), per class (and `unlabelled`). */
  bySplitAndLabel: Record<string, Record<string, number>>;
  duplicateGroups: number;
  imagesInDuplicateGroups: number;
  patients: number;
  groupsCrossingSplits: CrossingGroup[];
}

export function datasetStats(store: DatasetStore, projectId: number): DatasetStats {
  const project = getProject(store, projectId);
  const rows = store.db
    .prepare('SELECT label, status, split, COUNT(*) AS n FROM images WHERE project_id = ? GROUP BY label, status, split')
    .all(project.id) as Array<{ label: string | null; status: string; split: string | null; n: number }>;
  const labels = [...project.classes, 'unlabelled'];
  const splits = [...SPLITS, 'none'];
  const byLabel = Object.fromEntries(labels.map((l) => [l, 0]));
  const byStatus = Object.fromEntries(REVIEW_STATUSES.map((s) => [s, 0]));
  const bySplit = Object.fromEntries(splits.map((s) => [s, 0]));
  const bySplitAndLabel = Object.fromEntries(splits.map((s) => [s, Object.fromEntries(labels.map((l) => [l, 0]))]));
  let images = 0;
  for (const r of rows) {
    const label = r.label ?? 'unlabelled';
    const split = r.split ?? 'none';
    images += r.n;
    byLabel[label] = (byLabel[label] ?? 0) + r.n;
    byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
    bySplit[split] = (bySplit[split] ?? 0) + r.n;
    const cell = bySplitAndLabel[split]!;
    cell[label] = (cell[label] ?? 0) + r.n;
  }
  const groups = store.db
    .prepare('SELECT COUNT(DISTINCT duplicate_group) AS g, COUNT(duplicate_group) AS n, COUNT(DISTINCT patient_id) AS p FROM images WHERE project_id = ?')
    .get(project.id) as { g: number; n: number; p: number };
  return {
    project: { id: project.id, name: project.name, classes: project.classes },
    images,
    byLabel,
    byStatus,
    bySplit,
    bySplitAndLabel,
    duplicateGroups: groups.g,
    imagesInDuplicateGroups: groups.n,
    patients: groups.p,
    groupsCrossingSplits: findLeakage(store, project.id),
  };
}
