import crypto from 'node:crypto';
import { openStore } from '../data/index.js';

/** A readable, sortable, unique job id: `job-20261126-201530-a3f9c2`. */
export function newJobId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `job-${stamp}-${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * The id written in a workspace when it was created. Jobs name it, so a worker on another machine takes only
 * jobs of workspaces it can open.
 */
export function workspaceId(workspace: string): string {
  const store = openStore(workspace);
  try {
    return (store.db.prepare('SELECT id FROM workspace_info').get() as { id: string }).id;
  } finally {
    store.close();
  }
}
