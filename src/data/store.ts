import fs from 'node:fs';
import { workspacePaths } from '../util/workspace.js';
import { BlobStore } from './blobs.js';
import { openDatabase, type Db } from './db/open.js';

/** An open workspace: the SQLite metadata and the blob store of originals. Close it when done. */
export interface DatasetStore {
  readonly root: string;
  readonly db: Db;
  readonly blobs: BlobStore;
  close(): void;
}

/** Opens the workspace at `root` (see `resolveWorkspace`), creating and migrating it as needed. */
export function openStore(root: string): DatasetStore {
  const paths = workspacePaths(root);
  fs.mkdirSync(paths.blobs, { recursive: true });
  const db = openDatabase(paths.database);
  return {
    root,
    db,
    blobs: new BlobStore(paths.blobs),
    close: () => db.close(),
  };
}

/** Runs `fn` on a store opened for the call and always closes it. */
export async function withStore<T>(root: string, fn: (store: DatasetStore) => Promise<T> | T): Promise<T> {
  const store = openStore(root);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
