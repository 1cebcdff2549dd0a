import type { DatasetStore } from '../../data/store.js';

/** Stored vectors of one embedder for a project's images, by image id. */
export function loadEmbeddings(store: DatasetStore, projectId: number, embedder: string): Map<number, Float32Array> {
  const rows = store.db
    .prepare(`SELECT e.image_id AS id, e.vector AS vector FROM image_embeddings e JOIN images i ON i.id = e.image_id
      WHERE i.project_id = ? AND e.embedder = ? ORDER BY e.image_id`)
    .all(projectId, embedder) as Array<{ id: number; vector: Buffer }>;
  return new Map(rows.map((r) => [r.id, toVector(r.vector)]));
}

/** Ids of a project's images that have no vector of this embedder yet. */
export function imagesWithoutEmbedding(store: DatasetStore, projectId: number, embedder: string): Array<{ id: number; sha256: string }> {
  return store.db
    .prepare(`SELECT i.id, i.sha256 FROM images i WHERE i.project_id = ?
      AND NOT EXISTS (SELECT 1 FROM image_embeddings e WHERE e.image_id = i.id AND e.embedder = ?) ORDER BY i.id`)
    .all(projectId, embedder) as Array<{ id: number; sha256: string }>;
}

export function saveEmbeddings(store: DatasetStore, embedder: string, vectors: ReadonlyArray<{ imageId: number; vector: Float32Array }>): void {
  const insert = store.db.prepare('INSERT OR REPLACE INTO image_embeddings (embedder, image_id, vector) VALUES (?, ?, ?)');
  store.db.transaction(() => {
    for (const v of vectors) insert.run(embedder, v.imageId, Buffer.from(v.vector.buffer, v.vector.byteOffset, v.vector.byteLength));
  })();
}

function toVector(blob: Buffer): Float32Array {
  // Copy: SQLite's buffer need not be 4-byte aligned.
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
