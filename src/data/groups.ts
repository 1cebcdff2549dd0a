import { findDuplicateGroups, DEFAULT_MIN_CORRELATION } from './duplicates.js';
import type { DatasetStore } from './store.js';

/**
 * Recomputes the near-duplicate groups of a whole project and stores them (`duplicate_group` = the smallest
 * image id of the group, null for images without a near-duplicate). Returns the groups.
 */
export function refreshDuplicateGroups(store: DatasetStore, projectId: number, minCorrelation = DEFAULT_MIN_CORRELATION): number[][] {
  const images = store.db.prepare('SELECT id, phash FROM images WHERE project_id = ?').all(projectId) as Array<{ id: number; phash: string }>;
  const groups = findDuplicateGroups(images, minCorrelation);
  const clear = store.db.prepare('UPDATE images SET duplicate_group = NULL WHERE project_id = ?');
  const set = store.db.prepare('UPDATE images SET duplicate_group = ? WHERE id = ?');
  store.db.transaction(() => {
    clear.run(projectId);
    for (const members of groups) for (const id of members) set.run(members[0]!, id);
  })();
  return groups;
}
