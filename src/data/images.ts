import type { DatasetStore } from './store.js';
import { filterToSql } from './filter.js';
import type { ImageFilter, Radiograph, ReviewStatus, Split } from './types.js';

export interface ImageRow {
  id: number;
  project_id: number;
  sha256: string;
  phash: string;
  width: number;
  height: number;
  format: string;
  bits: number;
  byte_size: number;
  source_path: string;
  original_name: string;
  folder: string;
  patient_id: string | null;
  study_uid: string | null;
  body_part: string | null;
  view: string | null;
  label: string | null;
  status: ReviewStatus;
  split: Split | null;
  source_split: Split | null;
  duplicate_group: number | null;
  warnings: string;
  imported_at: string;
}

export function toRadiograph(row: ImageRow): Radiograph {
  return {
    id: row.id,
    projectId: row.project_id,
    sha256: row.sha256,
    phash: row.phash,
    width: row.width,
    height: row.height,
    format: row.format,
    bits: row.bits,
    byteSize: row.byte_size,
    sourcePath: row.source_path,
    originalName: row.original_name,
    folder: row.folder,
    patientId: row.patient_id,
    studyUid: row.study_uid,
    bodyPart: row.body_part,
    view: row.view,
    label: row.label,
    status: row.status,
    split: row.split,
    sourceSplit: row.source_split,
    duplicateGroup: row.duplicate_group,
    warnings: JSON.parse(row.warnings) as string[],
    importedAt: row.imported_at,
  };
}

export interface ListOptions {
  limit?: number;
  offset?: number;
}

/** A project's images matching the filter, in import order. */
export function listImages(store: DatasetStore, projectId: number, filter: ImageFilter = {}, options: ListOptions = {}): Radiograph[] {
  const { where, params } = filterToSql(projectId, filter);
  const page = options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))} OFFSET ${Math.max(0, Math.floor(options.offset ?? 0))}` : '';
  const rows = store.db.prepare(`SELECT * FROM images WHERE ${where} ORDER BY id${page}`).all(...params) as ImageRow[];
  return rows.map(toRadiograph);
}

export function countImages(store: DatasetStore, projectId: number, filter: ImageFilter = {}): number {
  const { where, params } = filterToSql(projectId, filter);
  return (store.db.prepare(`SELECT COUNT(*) AS n FROM images WHERE ${where}`).get(...params) as { n: number }).n;
}

export function getImage(store: DatasetStore, id: number): Radiograph | undefined {
  const row = store.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined;
  return row && toRadiograph(row);
}

/** The original bytes of an image, from the blob store. */
export function readOriginal(store: DatasetStore, image: Pick<Radiograph, 'sha256'>): Buffer {
  return store.blobs.read(image.sha256);
}
