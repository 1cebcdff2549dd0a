import zlib from 'node:zlib';
import { OsteonError } from '../../errors.js';

/**
 * A reader of zip archives held in memory, through the central directory: enough for torch.save files (stored
 * entries, 64-byte aligned, sizes only in the central directory) and for archives re-packed with deflate.
 * Stored entries come back as views of the archive's bytes, without a copy.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const STORED = 0;
const DEFLATED = 8;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export class ZipArchive {
  private readonly entries = new Map<string, ZipEntry>();
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly source: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.readCentralDirectory();
  }

  /** Entry names in the order of the central directory. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's uncompressed bytes. */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) throw this.error(`it has no entry "${name}"`);
    const { view, bytes } = this;
    const at = entry.localHeaderOffset;
    if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_HEADER) {
      throw this.error(`the local header of "${name}" is missing (truncated or damaged archive)`);
    }
    // The local header's own name and extra lengths, not the central directory's: torch pads the extra field.
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const end = start + entry.compressedSize;
    if (end > bytes.length) throw this.error(`the data of "${name}" ends past the end of the file (truncated archive)`);
    const data = bytes.subarray(start, end);
    if (entry.method === STORED) {
      if (entry.size !== entry.compressedSize) throw this.error(`the stored entry "${name}" has inconsistent sizes`);
      return data;
    }
    let inflated: Buffer;
    try {
      inflated = zlib.inflateRawSync(data);
    } catch (error) {
      throw this.error(`"${name}" does not inflate (${(error as Error).message})`);
    }
    if (inflated.length !== entry.size) throw this.error(`"${name}" inflates to ${inflated.length} bytes, not ${entry.size}`);
    return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  }

  private error(why: string): OsteonError {
    return new OsteonError(
      'BAD_CHECKPOINT',
      `${this.source} is not a readable zip archive: ${why}. Download or save the file again.`,
    );
  }

  private findEndOfCentralDirectory(): number {
    const { bytes, view } = this;
    // The record is 22 bytes followed by a comment of at most 65535 bytes.
    const lowest = Math.max(0, bytes.length - 22 - 0xffff);
    for (let at = bytes.length - 22; at >= lowest; at--) {
      if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY && at + 22 + view.getUint16(at + 20, true) <= bytes.length) {
        return at;
      }
    }
    throw this.error('its end-of-central-directory record is missing (truncated file, or not a zip)');
  }

  private readCentralDirectory(): void {
    const { bytes, view } = this;
    const end = this.findEndOfCentralDirectory();
    const count = view.getUint16(end + 10, true);
    const directorySize = view.getUint32(end + 12, true);
    let at = view.getUint32(end + 16, true);
    if (count === 0xffff || directorySize === 0xffffffff || at === 0xffffffff) {
      throw this.error('it is a zip64 archive (over 4 GB or 65535 entries), which is not supported');
    }
    if (at + directorySize > end) throw this.error('its central directory lies outside the file (truncated archive)');
    for (let i = 0; i < count; i++) {
      if (at + 46 > end || view.getUint32(at, true) !== CENTRAL_HEADER) {
        throw this.error(`central directory entry ${i} is damaged`);
      }
      const flags = view.getUint16(at + 8, true);
      const method = view.getUint16(at + 10, true);
      const compressedSize = view.getUint32(at + 20, true);
      const size = view.getUint32(at + 24, true);
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const commentLength = view.getUint16(at + 32, true);
      const localHeaderOffset = view.getUint32(at + 42, true);
      const name = Buffer.from(bytes.buffer, bytes.byteOffset + at + 46, nameLength).toString('utf8');
      if (flags & 0x1) throw this.error(`entry "${name}" is encrypted, which is not supported`);
      if (compressedSize === 0xffffffff || size === 0xffffffff || localHeaderOffset === 0xffffffff) {
        throw this.error(`entry "${name}" uses zip64 sizes (over 4 GB), which are not supported`);
      }
      if (method !== STORED && method !== DEFLATED) {
        throw this.error(`entry "${name}" uses compression method ${method}; only stored and deflated entries are read`);
      }
      this.entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
      at += 46 + nameLength + extraLength + commentLength;
    }
  }
}
