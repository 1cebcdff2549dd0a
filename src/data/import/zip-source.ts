import path from 'node:path';
import yauzl from 'yauzl';
import { OsteonError } from '../../errors.js';
import { isSidecar, type ImportEntry, type Rejected } from './entries.js';

export interface ZipLimits {
  /** Refuse the archive when its entries declare more than this many bytes in all. */
  maxTotalBytes: number;
  /** Refuse an entry larger than this. */
  maxEntryBytes: number;
  /** Refuse an entry whose uncompressed/compressed ratio exceeds this (zip bombs); entries under 1 MiB pass. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxTotalBytes: 8 * 2 ** 30, maxEntryBytes: 512 * 2 ** 20, maxRatio: 100 };

export interface ZipListing {
  entries: ImportEntry[];
  rejected: Rejected[];
  close(): void;
}

/** Why an entry name is unsafe to use, or null when it is a plain relative path. */
export function unsafeEntryName(name: string): string | null {
  if (name.includes('\0')) return 'entry name contains a NUL byte';
  if (/^[A-Za-z]:/.test(name) || name.startsWith('/') || name.startsWith('\\')) return 'absolute path in archive (refused)';
  if (name.split(/[\\/]/).includes('..')) return 'path escapes the archive with ".." (refused)';
  return null;
}

/**
 * Lists a zip archive's files without extracting anything: entries are read (inflated, streamed) only when
 * imported. Unsafe entries (absolute paths, `..`, symlinks, encrypted, too large, suspicious compression
 * ratio) are refused one by one, each with its reason; the rest stay importable.
 */
export async function listZip(file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipListing> {
  // decodeStrings: false, so yauzl does not abort the whole archive on one bad name: names are checked here.
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false }, (err, z) => (err ? reject(err) : resolve(z))),
  ).catch((error: Error) => {
    throw new OsteonError('BAD_ARCHIVE', `Cannot read ${file} as a zip archive (${error.message}): check that the file is complete.`);
  });
  const raw: yauzl.Entry[] = await new Promise((resolve, reject) => {
    const list: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      list.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(list));
    zip.on('error', reject);
    zip.readEntry();
  });
  const archive = path.basename(file);
  const entries: ImportEntry[] = [];
  const rejected: Rejected[] = [];
  let total = 0;
  for (const entry of raw) {
    const nameBytes = entry.fileName as unknown as Buffer;
    const name = nameBytes.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1');
    const shown = `${archive}!${name}`;
    if (name.endsWith('/')) continue;
    const unsafe = unsafeEntryName(name);
    const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
    const reason =
      unsafe ??
      (mode === 0o120000 ? 'symbolic link in archive (refused)' : null) ??
      ((entry.generalPurposeBitFlag & 0x1) !== 0 ? 'encrypted entry (not supported)' : null) ??
      (entry.uncompressedSize > limits.maxEntryBytes ? `entry of ${entry.uncompressedSize} bytes exceeds the ${limits.maxEntryBytes}-byte limit` : null) ??
      (entry.uncompressedSize > 2 ** 20 && entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)
        ? `compression ratio ${(entry.uncompressedSize / Math.max(1, entry.compressedSize)).toFixed(0)}:1 exceeds ${limits.maxRatio}:1 (possible zip bomb)`
        : null);
    if (reason) {
      rejected.push({ file: shown, reason });
      continue;
    }
    const relativePath = name.replace(/\\/g, '/');
    if (isSidecar(relativePath) && !relativePath.toLowerCase().endsWith('.csv')) continue;
    total += entry.uncompressedSize;
    entries.push({ relativePath, sourcePath: shown, read: () => readEntry(zip, entry) });
  }
  if (total > limits.maxTotalBytes) {
    zip.close();
    throw new OsteonError('ARCHIVE_TOO_LARGE', `${file} would expand to ${total} bytes, above the ${limits.maxTotalBytes}-byte limit: unpack it yourself and import the folder.`);
  }
  return { entries, rejected, close: () => zip.close() };
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // yauzl checks the byte count against the declared size; this guards a lying header as well.
        if (size > entry.uncompressedSize) stream.destroy(new Error('entry is larger than its header says'));
        else chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}
