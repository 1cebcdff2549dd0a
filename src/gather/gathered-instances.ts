import type { DatasetStore } from '../data/store.js';

/** An instance of a PACS that became (or already was) an image of the project. */
export interface GatheredInstance {
  sopInstanceUid: string;
  imageId: number;
  /** Where it came from: the instance's WADO-RS URL, without credentials. */
  source: string;
}

/** SOP Instance UIDs the project already holds an image of: a gather skips them without asking the server. */
export function gatheredSopInstanceUids(store: DatasetStore, projectId: number): Set<string> {
  const rows = store.db.prepare('SELECT sop_instance_uid AS uid FROM gathered_instances WHERE project_id = ?').all(projectId) as Array<{ uid: string }>;
  return new Set(rows.map((r) => r.uid));
}

export function recordGathered(store: DatasetStore, projectId: number, instances: readonly GatheredInstance[]): void {
  const insert = store.db.prepare(`INSERT OR REPLACE INTO gathered_instances (project_id, sop_instance_uid, image_id, source, gathered_at)
    VALUES (?, ?, ?, ?, ?)`);
  const at = new Date().toISOString();
  store.db.transaction(() => {
    for (const i of instances) insert.run(projectId, i.sopInstanceUid, i.imageId, i.source, at);
  })();
}

/** The workspace's salt for patient pseudonyms, made once when the workspace was created (migration 5). */
export function deidentificationSalt(store: DatasetStore): string {
  const row = store.db.prepare("SELECT value FROM workspace_secrets WHERE name = 'deidentification_salt'").get() as { value: string } | undefined;
  if (!row) throw new Error('the workspace has no de-identification salt (migration 5 not applied)');
  return row.value;
}
