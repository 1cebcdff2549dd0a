import { OsteonError } from '../errors.js';
import { findLeakage } from './leakage.js';
import type { DatasetStore } from './store.js';
import type { Split } from './types.js';
import { UnionFind } from './union-find.js';
import { mulberry32 } from '../util/random.js';

export interface SplitOptions {
  /** Fractions of the images for validation and test; the rest is training. */
  val: number;
  test: number;
  seed: number;
}

export interface SplitResult {
  train: number;
  val: number;
  test: number;
  /** Duplicate groups and patients that cross splits after the split (0 after a grouped split). */
  crossingGroups: number;
  /** Images left in no split (only with `--from-folders`, for images whose source named no split). */
  unassigned: number;
}

/** What the split needs to know of an image. */
export interface SplitItem {
  id: number;
  label: string | null;
  patientId: string | null;
  duplicateGroup: number | null;
}

/** A seeded generator so a seed always gives the same split. */
export const seededRandom = mulberry32;

/**
 * Assigns every image a split so that no patient and no near-duplicate group crosses splits, with each class
 * spread over the splits as close to the asked fractions as whole groups allow.
 *
 * Images sharing a patient id or a duplicate group are joined into one unit (so both constraints hold at
 * once). Units are shuffled by the seed, then placed largest first, each where it most reduces the squared
 * gap between per-class counts and per-class targets.
 */
export function planSplit(items: SplitItem[], options: SplitOptions): Map<number, Split> {
  validateFractions(options);
  const sets = new UnionFind(items.length);
  const firstByKey = new Map<string, number>();
  items.forEach((item, i) => {
    for (const key of [item.patientId !== null ? `p:${item.patientId}` : null, item.duplicateGroup !== null ? `g:${item.duplicateGroup}` : null]) {
      if (key === null) continue;
      const first = firstByKey.get(key);
      if (first === undefined) firstByKey.set(key, i);
      else sets.union(first, i);
    }
  });
  const units = sets.groups();
  const random = seededRandom(options.seed);
  for (let i = units.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [units[i], units[j]] = [units[j]!, units[i]!];
  }
  units.sort((a, b) => b.length - a.length);

  const stratum = (item: SplitItem) => item.label ?? '';
  const totals = new Map<string, number>();
  for (const item of items) totals.set(stratum(item), (totals.get(stratum(item)) ?? 0) + 1);
  const fractions: Record<Split, number> = { train: 1 - options.val - options.test, val: options.val, test: options.test };
  const splits: Split[] = ['train', 'val', 'test'];
  const counts = new Map<string, number>();
  const key = (s: Split, c: string) => `${s}\u0000${c}`;
  const out = new Map<number, Split>();
  for (const unit of units) {
    const perClass = new Map<string, number>();
    for (const i of unit) perClass.set(stratum(items[i]!), (perClass.get(stratum(items[i]!)) ?? 0) + 1);
    let best: Split = 'train';
    let bestCost = Infinity;
    for (const s of splits) {
      if (fractions[s] <= 0) continue;
      let cost = 0;
      for (const [c, n] of perClass) {
        const gap = (counts.get(key(s, c)) ?? 0) - fractions[s] * totals.get(c)!;
        cost += n * (2 * gap + n);
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = s;
      }
    }
    for (const [c, n] of perClass) counts.set(key(best, c), (counts.get(key(best, c)) ?? 0) + n);
    for (const i of unit) out.set(items[i]!.id, best);
  }
  return out;
}

function validateFractions({ val, test, seed }: SplitOptions): void {
  const ok = (f: number) => Number.isFinite(f) && f >= 0 && f < 1;
  if (!ok(val) || !ok(test) || val + test >= 1) {
    throw new OsteonError('INVALID_SPLIT', `--val ${val} and --test ${test} must be fractions in [0, 1) whose sum is below 1 (e.g. --val 0.15 --test 0.15).`);
  }
  if (!Number.isInteger(seed)) throw new OsteonError('INVALID_SPLIT', `--seed must be an integer (got ${seed}).`);
}

/** Splits a project's images (see `planSplit`) and stores the result. */
export function splitProject(store: DatasetStore, projectId: number, options: SplitOptions): SplitResult {
  const items = store.db
    .prepare('SELECT id, label, patient_id AS patientId, duplicate_group AS duplicateGroup FROM images WHERE project_id = ? ORDER BY id')
    .all(projectId) as SplitItem[];
  const plan = planSplit(items, options);
  const update = store.db.prepare('UPDATE images SET split = ? WHERE id = ?');
  store.db.transaction(() => {
    for (const [id, split] of plan) update.run(split, id);
  })();
  return summarise(store, projectId);
}

/** Puts every image back in the split its source folder or manifest named (none when it named none). */
export function splitFromFolders(store: DatasetStore, projectId: number): SplitResult {
  store.db.prepare('UPDATE images SET split = source_split WHERE project_id = ?').run(projectId);
  return summarise(store, projectId);
}

function summarise(store: DatasetStore, projectId: number): SplitResult {
  const rows = store.db.prepare('SELECT split, COUNT(*) AS n FROM images WHERE project_id = ? GROUP BY split').all(projectId) as Array<{ split: Split | null; n: number }>;
  const count = (s: Split | null) => rows.find((r) => r.split === s)?.n ?? 0;
  return {
    train: count('train'),
    val: count('val'),
    test: count('test'),
    crossingGroups: findLeakage(store, projectId).length,
    unassigned: count(null),
  };
}
