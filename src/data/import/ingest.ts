import { createHash } from 'node:crypto';
import os from 'node:os';
import type { DecodeLimits } from '../../imaging/types.js';
import type { DatasetStore } from '../store.js';
import type { Project, Radiograph } from '../types.js';
import type { ImportEntry, Rejected } from './entries.js';
import { createFingerprinter, THREADED_IMPORT_MIN_FILES } from './fingerprinter.js';
import { classFromName, readFolders, splitFromName } from './layout.js';
import { forEachLimited } from './pool.js';

export interface ImportOptions {
  /** Label every imported image with this class (overrides folders and manifests). */
  label?: string;
  /** Files decoded at once (default: 2 per core). */
  concurrency?: number;
  /**
   * Threads that decode and hash beside the main thread; 0 decodes on the main thread. Default: one per
   * core for imports of THREADED_IMPORT_MIN_FILES files or more, 0 below.
   */
  threads?: number;
  decodeLimits?: Partial<DecodeLimits>;
}

export interface ImportProgress {
  done: number;
  total: number;
  file: string;
}

export interface ImportReport {
  /** Images newly stored. */
  imported: number;
  /** Files whose content the project already had (also a second copy within the same import). */
  alreadyPresent: number;
  /** Newly stored images that are near-duplicates of another image of the project. */
  duplicates: number;
  unreadable: Rejected[];
  /** Labels in the source that are not classes of the project: those images were imported unlabelled. */
  unknownLabels: Record<string, number>;
  /** Ids of the newly stored images. */
  importedIds: number[];
}

/** A decoded file waiting for its database row: the stored radiograph's fields that import fills in. */
type PendingRow = Pick<Radiograph, 'sha256' | 'phash' | 'width' | 'height' | 'format' | 'bits' | 'byteSize' | 'sourcePath' |
  'originalName' | 'folder' | 'patientId' | 'studyUid' | 'bodyPart' | 'view' | 'label' | 'sourceSplit' | 'warnings'>;

/** A row and the write of its blob, which settles to the error that stopped it, or null once written. */
interface Pending {
  row: PendingRow;
  stored: Promise<Error | null>;
}

/**
 * Rows per transaction. Each commit first makes the batch's blob folders durable (one fsync per folder
 * touched, up to 256), so larger batches mean fewer fsyncs per image.
 */
const BATCH = 512;

/**
 * Decodes, hashes and stores the entries: each file's bytes are hashed (SHA-256) first, so content the
 * project already holds is counted and skipped without decoding; the rest is decoded (recognised by
 * content), perceptually hashed, written to the blob store and inserted in batches, each row only once its
 * blob is durable. A file that fails (decoding or storing) gets `{file, reason}` and the import goes on.
 */
export async function ingestEntries(
  store: DatasetStore,
  project: Project,
  entries: readonly ImportEntry[],
  options: ImportOptions,
  onProgress?: (progress: ImportProgress) => void,
): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, alreadyPresent: 0, duplicates: 0, unreadable: [], unknownLabels: {}, importedIds: [] };
  const existing = store.db.prepare('SELECT 1 FROM images WHERE project_id = ? AND sha256 = ?');
  const insert = store.db.prepare(`INSERT OR IGNORE INTO images
    (project_id, sha256, phash, width, height, format, bits, byte_size, source_path, original_name, folder,
     patient_id, study_uid, body_part, view, label, status, split, source_split, warnings, imported_at)
    VALUES (@projectId, @sha256, @phash, @width, @height, @format, @bits, @byteSize, @sourcePath, @originalName, @folder,
     @patientId, @studyUid, @bodyPart, @view, @label, 'new', @sourceSplit, @sourceSplit, @warnings, @importedAt)`);
  const seen = new Set<string>();
  let pending: Pending[] = [];
  let done = 0;

  const commit = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const rows: PendingRow[] = [];
    for (const { row, stored } of batch) {
      const error = await stored;
      if (error) report.unreadable.push({ file: row.sourcePath, reason: error.message });
      else rows.push(row);
    }
    // The blobs' folder entries must be durable before rows point at them.
    await store.blobs.flush();
    const importedAt = new Date().toISOString();
    store.db.transaction(() => {
      for (const row of rows) {
        const info = insert.run({ ...row, projectId: project.id, warnings: JSON.stringify(row.warnings), importedAt });
        if (info.changes > 0) {
          report.imported++;
          report.importedIds.push(Number(info.lastInsertRowid));
        } else report.alreadyPresent++;
      }
    })();
  };

  const labelOf = (entry: ImportEntry, fromFolders: string | null): string | null => {
    if (options.label !== undefined) return options.label;
    if (entry.label === undefined) return fromFolders;
    if (entry.label === null) return null;
    const known = classFromName(entry.label, project.classes);
    if (known === undefined) report.unknownLabels[entry.label] = (report.unknownLabels[entry.label] ?? 0) + 1;
    return known ?? null;
  };

  const concurrency = options.concurrency ?? Math.max(2, os.availableParallelism() * 2);
  const threads = options.threads ?? (entries.length >= THREADED_IMPORT_MIN_FILES ? os.availableParallelism() : 0);
  const fingerprinter = createFingerprinter(threads);
  try {
    await forEachLimited(entries, concurrency, async (entry) => {
      try {
        const bytes = await entry.read();
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        if (seen.has(sha256) || existing.get(project.id, sha256)) {
          report.alreadyPresent++;
          return;
        }
        seen.add(sha256);
        const image = await fingerprinter.fingerprint(bytes, options.decodeLimits);
        // The blob is written while the next files decode; its row waits for it in `commit`.
        const stored = store.blobs.put(sha256, bytes).then(
          () => null,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        );
        const folders = readFolders(entry.relativePath, project.classes);
        const meta = image.metadata;
        const row: PendingRow = {
          sha256,
          phash: image.phash,
          width: image.width,
          height: image.height,
          format: image.format,
          bits: image.bitsStored,
          byteSize: bytes.length,
          sourcePath: entry.sourcePath,
          originalName: entry.relativePath.split('/').pop() ?? entry.relativePath,
          folder: folders.folder,
          patientId: entry.patientId ?? meta.patientId ?? null,
          studyUid: meta.studyInstanceUid ?? null,
          bodyPart: meta.bodyPart ?? null,
          view: meta.view ?? null,
          label: labelOf(entry, folders.label),
          sourceSplit: entry.split !== undefined ? splitFromName(entry.split) : folders.split,
          warnings: image.warnings,
        };
        pending.push({ row, stored });
        if (pending.length >= BATCH) await commit();
      } catch (error) {
        report.unreadable.push({ file: entry.sourcePath, reason: error instanceof Error ? error.message : String(error) });
      } finally {
        done++;
        onProgress?.({ done, total: entries.length, file: entry.sourcePath });
      }
    });
  } finally {
    await fingerprinter.close();
  }
  await commit();
  return report;
}
