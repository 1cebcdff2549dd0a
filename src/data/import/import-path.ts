import fs from 'node:fs';
import path from 'node:path';
import { OsteonError } from '../../errors.js';
import { refreshDuplicateGroups } from '../groups.js';
import type { DatasetStore } from '../store.js';
import type { Project } from '../types.js';
import type { ImportEntry, Rejected } from './entries.js';
import { fileEntry, listFolder } from './folder-source.js';
import { ingestEntries, type ImportOptions, type ImportProgress, type ImportReport } from './ingest.js';
import { looksLikeManifest, parseManifest } from './manifest.js';
import { listZip, type ZipLimits } from './zip-source.js';

export type ImportKind = 'folder' | 'manifest' | 'zip' | 'file';

export interface ImportPathOptions extends ImportOptions {
  zipLimits?: ZipLimits;
}

export interface ImportPathReport extends ImportReport {
  kind: ImportKind;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** What `target` is: a folder, a CSV manifest, a zip archive or a single image file. */
export function detectKind(target: string): ImportKind {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) throw new OsteonError('PATH_NOT_FOUND', `Nothing to import at ${target}: check the path.`);
  if (stat.isDirectory()) return 'folder';
  if (/\.csv$/i.test(target)) return 'manifest';
  const head = Buffer.alloc(4);
  const fd = fs.openSync(target, 'r');
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  return head.equals(ZIP_MAGIC) ? 'zip' : 'file';
}

/**
 * Imports a folder (ImageFolder `class/file` with or without `train|val|test/` above, DICOM folders, or any
 * folder of images, unlabelled), a CSV manifest (`path,label[,patient,split]`, paths relative to the CSV),
 * a zip archive (same layouts inside, read safely) or one file, into a project. A folder or archive whose
 * top level holds one manifest CSV is imported through that manifest. Near-duplicate groups are refreshed
 * afterwards.
 */
export async function importPath(
  store: DatasetStore,
  project: Project,
  target: string,
  options: ImportPathOptions = {},
  onProgress?: (progress: ImportProgress) => void,
): Promise<ImportPathReport> {
  if (options.label !== undefined && !project.classes.includes(options.label)) {
    throw new OsteonError('UNKNOWN_CLASS', `Project "${project.name}" has no class "${options.label}": its classes are ${project.classes.join(', ')}.`);
  }
  const kind = detectKind(target);
  const rejected: Rejected[] = [];
  let entries: ImportEntry[];
  let close = () => {};
  if (kind === 'folder') {
    const manifest = topLevelManifest(fs.readdirSync(target).map((name) => ({ name, read: () => fs.readFileSync(path.join(target, name), 'utf8') })));
    entries = manifest ? manifestFromDisk(path.join(target, manifest), rejected) : listFolder(target);
  } else if (kind === 'manifest') {
    entries = manifestFromDisk(target, rejected);
  } else if (kind === 'zip') {
    const zip = await listZip(target, options.zipLimits);
    close = zip.close;
    rejected.push(...zip.rejected);
    entries = await manifestInZip(zip.entries, rejected);
  } else {
    entries = [fileEntry(target, path.basename(target))];
  }
  try {
    const report = await ingestEntries(store, project, entries, options, onProgress);
    report.unreadable.unshift(...rejected);
    const groups = refreshDuplicateGroups(store, project.id);
    const grouped = new Set(groups.flat());
    report.duplicates = report.importedIds.filter((id) => grouped.has(id)).length;
    return { kind, ...report };
  } finally {
    close();
  }
}

function topLevelManifest(files: Array<{ name: string; read: () => string }>): string | undefined {
  const manifests = files.filter((f) => /\.csv$/i.test(f.name) && !f.name.includes('/') && looksLikeManifest(f.read()));
  return manifests.length === 1 ? manifests[0]!.name : undefined;
}

function manifestFromDisk(csvFile: string, rejected: Rejected[]): ImportEntry[] {
  const base = path.dirname(path.resolve(csvFile));
  const entries: ImportEntry[] = [];
  for (const row of parseManifest(fs.readFileSync(csvFile, 'utf8'), csvFile)) {
    const file = path.resolve(base, row.path);
    if (!fs.existsSync(file)) {
      rejected.push({ file, reason: `listed in ${path.basename(csvFile)} but not found` });
      continue;
    }
    const relativePath = path.relative(base, file).split(path.sep).join('/');
    entries.push({ ...fileEntry(file, relativePath), label: row.label, patientId: row.patientId, split: row.split });
  }
  return entries;
}

async function manifestInZip(entries: ImportEntry[], rejected: Rejected[]): Promise<ImportEntry[]> {
  const csvs = entries.filter((e) => /\.csv$/i.test(e.relativePath));
  const texts = await Promise.all(csvs.map(async (e) => ({ entry: e, text: (await e.read()).toString('utf8') })));
  const manifests = texts.filter((t) => looksLikeManifest(t.text));
  const images = entries.filter((e) => !/\.csv$/i.test(e.relativePath));
  if (manifests.length !== 1) return images;
  const { entry: csv, text } = manifests[0]!;
  const base = path.posix.dirname(csv.relativePath);
  const byPath = new Map(images.map((e) => [e.relativePath, e]));
  const out: ImportEntry[] = [];
  for (const row of parseManifest(text, csv.sourcePath)) {
    const key = path.posix.normalize(path.posix.join(base, row.path.replace(/\\/g, '/')));
    const entry = byPath.get(key);
    if (!entry) rejected.push({ file: `${csv.sourcePath.split('!')[0]}!${key}`, reason: `listed in ${csv.relativePath} but not in the archive` });
    else out.push({ ...entry, label: row.label, patientId: row.patientId, split: row.split });
  }
  return out;
}
