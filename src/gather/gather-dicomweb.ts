import { createHash } from 'node:crypto';
import { OsteonError, isOsteonError } from '../errors.js';
import { refreshDuplicateGroups } from '../data/groups.js';
import type { ImportEntry } from '../data/import/entries.js';
import { ingestEntries } from '../data/import/ingest.js';
import type { DatasetStore } from '../data/store.js';
import type { Project } from '../data/types.js';
import type { DicomWebAuth } from './dicomweb/auth.js';
import { DicomWebClient, type InstanceRef } from './dicomweb/client.js';
import type { RetryPolicy } from './dicomweb/http.js';
import { parseQuery } from './dicomweb/query.js';
import { deidentifyDicom } from './deidentify.js';
import { deidentificationSalt, gatheredSopInstanceUids, recordGathered, type GatheredInstance } from './gathered-instances.js';

export interface GatherDicomWebOptions {
  /** The DICOMweb root, e.g. `http://pacs:8042/dicom-web`. */
  url: string;
  /** QIDO-RS filters, `Modality=CR&BodyPartExamined=HAND&StudyDate=2024-` (see `parseQuery`). */
  query?: string;
  /** Gather at most this many instances of those found. */
  limit?: number;
  /** Label every gathered image with this class. */
  label?: string;
  /** Search and count only; fetch and store nothing. */
  dryRun?: boolean;
  /** Store the files as the server sends them, patient name and id included (default: de-identify). */
  keepPhi?: boolean;
  auth?: DicomWebAuth;
  retry?: Partial<RetryPolicy>;
  pageSize?: number;
  /** Instances fetched at once (default 4). */
  concurrency?: number;
}

export interface GatherFailure {
  /** The SOP Instance UID. */
  uid: string;
  reason: string;
}

export interface GatherReport {
  /** Instances the search found (after `limit`). */
  found: number;
  /** Images newly stored. */
  imported: number;
  /** Instances the project already had: gathered before (not fetched again) or with content it holds. */
  alreadyPresent: number;
  /** Newly stored images that are near-duplicates of another image of the project. */
  duplicates: number;
  failed: GatherFailure[];
  dryRun: boolean;
  /** With `dryRun`: how many instances a real run would fetch. */
  toFetch: number;
  importedIds: number[];
}

export type GatherProgress = { phase: 'search'; found: number } | { phase: 'fetch'; done: number; total: number };

/** Instances handed to the import at once: each chunk's images are stored and recorded before the next. */
const CHUNK = 32;

/**
 * Gathers radiographs from a PACS over DICOMweb into a project: searches (QIDO-RS, study, series and
 * instance filters, paged), skips instances the project already holds (by SOP Instance UID, so an
 * interrupted gather resumes where it stopped), fetches the rest (WADO-RS, with retries), de-identifies them
 * unless `keepPhi`, and stores them through the same import as files (decoding, duplicate checks, report).
 * An instance that cannot be fetched or decoded is reported in `failed` and the rest goes on; what is stored
 * stays stored. A failing search throws (nothing is changed then).
 */
export async function gatherFromDicomWeb(
  store: DatasetStore,
  project: Project,
  options: GatherDicomWebOptions,
  onProgress?: (progress: GatherProgress) => void,
): Promise<GatherReport> {
  if (options.label !== undefined && !project.classes.includes(options.label)) {
    throw new OsteonError('UNKNOWN_CLASS', `Project "${project.name}" has no class "${options.label}": its classes are ${project.classes.join(', ')}.`);
  }
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 0)) {
    throw new OsteonError('BAD_OPTION', `--limit must be a whole number of instances, got ${options.limit}.`);
  }
  const client = new DicomWebClient({ url: options.url, auth: options.auth, retry: options.retry, pageSize: options.pageSize });
  const query = parseQuery(options.query);

  const found: InstanceRef[] = [];
  for await (const ref of client.findInstances(query, options.limit)) {
    found.push(ref);
    onProgress?.({ phase: 'search', found: found.length });
  }
  const held = gatheredSopInstanceUids(store, project.id);
  const toFetch = found.filter((ref) => !held.has(ref.sopInstanceUid));
  const report: GatherReport = {
    found: found.length,
    imported: 0,
    alreadyPresent: found.length - toFetch.length,
    duplicates: 0,
    failed: [],
    dryRun: Boolean(options.dryRun),
    toFetch: toFetch.length,
    importedIds: [],
  };
  if (options.dryRun || toFetch.length === 0) return report;

  const salt = options.keepPhi ? null : deidentificationSalt(store);
  let unreachable: string | null = null;
  const entryFor = (ref: InstanceRef, digests: Map<string, string>): ImportEntry => ({
    relativePath: `${ref.sopInstanceUid}.dcm`,
    sourcePath: client.instanceUrl(ref),
    read: async () => {
      if (unreachable !== null) throw notTried();
      let bytes: Buffer;
      try {
        bytes = await client.retrieveInstance(ref);
      } catch (error) {
        if (isOsteonError(error) && error.code === 'DICOMWEB_UNREACHABLE') unreachable ??= error.message;
        throw error;
      }
      if (salt !== null) bytes = deidentifyDicom(bytes, salt).bytes;
      digests.set(ref.sopInstanceUid, createHash('sha256').update(bytes).digest('hex'));
      return bytes;
    },
  });

  const imageIdBySha = store.db.prepare('SELECT id FROM images WHERE project_id = ? AND sha256 = ?');
  let done = 0;
  for (let start = 0; start < toFetch.length; start += CHUNK) {
    const chunk = toFetch.slice(start, start + CHUNK);
    if (unreachable !== null) {
      // The server went away: say so for every instance left instead of waiting out each one's retries.
      for (const ref of chunk) report.failed.push({ uid: ref.sopInstanceUid, reason: notTried().message });
      done += chunk.length;
      onProgress?.({ phase: 'fetch', done, total: toFetch.length });
      continue;
    }
    const digests = new Map<string, string>();
    const entries = chunk.map((ref) => entryFor(ref, digests));
    const uidBySource = new Map(chunk.map((ref, i) => [entries[i]!.sourcePath, ref.sopInstanceUid]));
    const part = await ingestEntries(store, project, entries, { label: options.label, concurrency: options.concurrency ?? 4 }, (p) =>
      onProgress?.({ phase: 'fetch', done: done + p.done, total: toFetch.length }),
    );
    done += chunk.length;
    report.imported += part.imported;
    report.alreadyPresent += part.alreadyPresent;
    report.importedIds.push(...part.importedIds);
    for (const u of part.unreadable) report.failed.push({ uid: uidBySource.get(u.file) ?? u.file, reason: u.reason });
    const gathered: GatheredInstance[] = [];
    for (const [i, ref] of chunk.entries()) {
      const sha = digests.get(ref.sopInstanceUid);
      const row = sha === undefined ? undefined : (imageIdBySha.get(project.id, sha) as { id: number } | undefined);
      if (row) gathered.push({ sopInstanceUid: ref.sopInstanceUid, imageId: row.id, source: entries[i]!.sourcePath });
    }
    recordGathered(store, project.id, gathered);
  }
  if (report.importedIds.length > 0) {
    const grouped = new Set(refreshDuplicateGroups(store, project.id).flat());
    report.duplicates = report.importedIds.filter((id) => grouped.has(id)).length;
  }
  return report;
}

function notTried(): OsteonError {
  return new OsteonError(
    'DICOMWEB_UNREACHABLE',
    'Not fetched: the DICOMweb server stopped answering earlier in this run. Run the same command again to fetch it; what was stored stays stored.',
  );
}
