import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OsteonError } from '../../errors.js';
import { ZipArchive } from './zip.js';

interface Entry {
  name: string;
  data: Buffer;
  compress: boolean;
}

/** A minimal zip writer (local headers, central directory, end record), as the format's specification lays out. */
function makeZip(entries: Entry[], comment = ''): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const body = entry.compress ? zlib.deflateRawSync(entry.data) : entry.data;
    const crc = zlib.crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.compress ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.compress ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(Buffer.byteLength(comment), 20);
  return new Uint8Array(Buffer.concat([...locals, directory, end, Buffer.from(comment)]));
}

function centralHeaderAt(bytes: Uint8Array, name: string): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  let header = buffer.indexOf(signature);
  while (header >= 0 && buffer.toString('utf8', header + 46, header + 46 + name.length) !== name) {
    header = buffer.indexOf(signature, header + 1);
  }
  expect(header).toBeGreaterThanOrEqual(0);
  return header;
}

function expectZipError(bytes: Uint8Array, message: RegExp, read?: string): void {
  let error: unknown;
  try {
    const archive = new ZipArchive(bytes, 'test.zip');
    if (read) archive.read(read);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OsteonError);
  expect((error as OsteonError).code).toBe('BAD_CHECKPOINT');
  expect((error as OsteonError).message).toMatch(message);
}

const text = Buffer.from('bone '.repeat(400));
const binary = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) % 256));

describe('ZipArchive', () => {
  it('reads stored and deflated entries, behind an archive comment', () => {
    const bytes = makeZip(
      [
        { name: 'a/stored.bin', data: binary, compress: false },
        { name: 'a/deflated.txt', data: text, compress: true },
        { name: 'a/empty', data: Buffer.alloc(0), compress: false },
      ],
      'a comment at the end',
    );
    const archive = new ZipArchive(bytes, 'test.zip');
    expect(archive.names()).toEqual(['a/stored.bin', 'a/deflated.txt', 'a/empty']);
    expect(Buffer.from(archive.read('a/stored.bin')).equals(binary)).toBe(true);
    expect(Buffer.from(archive.read('a/deflated.txt')).toString()).toBe(text.toString());
    expect(archive.read('a/empty').length).toBe(0);
    expect(archive.has('a/missing')).toBe(false);
    expectZipError(bytes, /has no entry "a\/missing"/, 'a/missing');
  });

  it('returns stored entries as views of the archive, without a copy', () => {
    const bytes = makeZip([{ name: 'x', data: binary, compress: false }]);
    expect(new ZipArchive(bytes, 'test.zip').read('x').buffer).toBe(bytes.buffer);
  });

  it('refuses truncated archives', () => {
    const bytes = makeZip([{ name: 'x', data: binary, compress: false }]);
    expectZipError(bytes.subarray(0, bytes.length - 10), /end-of-central-directory record is missing/);
    expectZipError(bytes.subarray(0, 500), /end-of-central-directory record is missing/);
  });

  it('refuses encrypted entries, zip64 archives and unknown compression methods', () => {
    const bytes = makeZip([{ name: 'secret', data: binary, compress: false }]);
    const header = centralHeaderAt(bytes, 'secret');
    const view = new DataView(bytes.buffer, bytes.byteOffset);

    const encrypted = new Uint8Array(bytes);
    new DataView(encrypted.buffer).setUint16(header + 8, view.getUint16(header + 8, true) | 1, true);
    expectZipError(encrypted, /"secret" is encrypted/);

    const bzip2 = new Uint8Array(bytes);
    new DataView(bzip2.buffer).setUint16(header + 10, 12, true);
    expectZipError(bzip2, /compression method 12/);

    const zip64 = new Uint8Array(bytes);
    new DataView(zip64.buffer).setUint32(header + 20, 0xffffffff, true);
    expectZipError(zip64, /zip64/);
  });

  it('refuses a deflated entry whose data is damaged', () => {
    const bytes = makeZip([{ name: 'z', data: text, compress: true }]);
    const damaged = new Uint8Array(bytes);
    damaged.fill(0xff, 31, 36); // the start of the deflate stream, after the 30-byte header and the name
    expectZipError(damaged, /"z" (does not inflate|inflates to)/, 'z');
  });
});
