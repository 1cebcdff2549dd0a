import os from 'node:os';
import { OsteonError } from '../errors.js';
import { filterToSql } from './filter.js';
import { getProject } from './projects.js';
import type { DatasetStore } from './store.js';
import type { ImageFilter, ReviewStatus } from './types.js';
import { REVIEW_STATUSES } from './types.js';

export interface ChangeOptions {
  /** Who made the change, for the history (default: the OS user name). */
  by?: string;
}

function who(options: ChangeOptions): string {
  if (options.by) return options.by;
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Sets the review status of every matching image; records each actual change in status_history. */
export function setReviewStatus(store: DatasetStore, projectId: number, filter: ImageFilter, status: ReviewStatus, options: ChangeOptions = {}): { changed: number } {
  if (!REVIEW_STATUSES.includes(status)) {
    throw new OsteonError('INVALID_STATUS', `"${status}" is not a review status: use one of ${REVIEW_STATUSES.join(', ')}.`);
  }
  const { where, params } = filterToSql(projectId, filter);
  const now = new Date().toISOString();
  return store.db.transaction(() => {
    store.db
      .prepare(`INSERT INTO status_history (image_id, from_status, to_status, changed_by, changed_at)
        SELECT id, status, ?, ?, ? FROM images WHERE ${where} AND status != ?`)
      .run(status, who(options), now, ...params, status);
    const info = store.db.prepare(`UPDATE images SET status = ? WHERE ${where} AND status != ?`).run(status, ...params, status);
    return { changed: info.changes };
  })();
}

/** Sets (or, with null, clears) the label of every matching image; records each change in label_history. */
export function setLabel(store: DatasetStore, projectId: number, filter: ImageFilter, label: string | null, options: ChangeOptions = {}): { changed: number } {
  const project = getProject(store, projectId);
  if (label !== null && !project.classes.includes(label)) {
    throw new OsteonError('UNKNOWN_CLASS', `Project "${project.name}" has no class "${label}": its classes are ${project.classes.join(', ')}.`);
  }
  const { where, params } = filterToSql(projectId, filter);
  const now = new Date().toISOString();
  return store.db.transaction(() => {
    store.db
      .prepare(`INSERT INTO label_history (image_id, from_label, to_label, changed_by, changed_at)
        SELECT id, label, ?, ?, ? FROM images WHERE ${where} AND label IS NOT ?`)
      .run(label, who(options), now, ...params, label);
    const info = store.db.prepare(`UPDATE images SET label = ? WHERE ${where} AND label IS NOT ?`).run(label, ...params, label);
    return { changed: info.changes };
  })();
}

export interface HistoryEntry {
  imageId: number;
  from: string | null;
  to: string | null;
  by: string;
  at: string;
}

export function labelHistory(store: DatasetStore, imageId: number): HistoryEntry[] {
  return store.db
    .prepare('SELECT image_id AS imageId, from_label AS "from", to_label AS "to", changed_by AS by, changed_at AS at FROM label_history WHERE image_id = ? ORDER BY id')
    .all(imageId) as HistoryEntry[];
}

export function statusHistory(store: DatasetStore, imageId: number): HistoryEntry[] {
  return store.db
    .prepare('SELECT image_id AS imageId, from_status AS "from", to_status AS "to", changed_by AS by, changed_at AS at FROM status_history WHERE image_id = ? ORDER BY id')
    .all(imageId) as HistoryEntry[];
}
