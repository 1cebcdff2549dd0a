import zlib from 'node:zlib';
import { OsteonError } from '../errors.js';

/** A text element to write: tag as 8 hex digits (`00100020`), its VR, its value. */
export interface TextElement {
  tag: string;
  vr: string;
  value: string;
}

export interface DicomEdits {
  /** Elements to write, replacing any with the same tag. */
  set?: TextElement[];
  /** Tags whose value is emptied when present (kept as zero-length elements, as type 2 attributes must be). */
  blank?: string[];
}

const DEFLATED = '1.2.840.10008.1.2.1.99';
const IMPLICIT = '1.2.840.10008.1.2';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;

interface Encoding {
  explicit: boolean;
  bigEndian: boolean;
}

/** One top-level element of a data set: where its bytes lie, header included. */
interface Span {
  tag: number;
  vr: string | undefined;
  start: number;
  valueStart: number;
  end: number;
}

function malformed(what: string): OsteonError {
  return new OsteonError('DICOM_MALFORMED', `The DICOM file is malformed (${what}); it cannot be de-identified. Ask for the file again, or check it with a DICOM viewer.`);
}

class Reader {
  constructor(
    readonly bytes: Buffer,
    readonly encoding: Encoding,
  ) {}

  u16(at: number): number {
    this.need(at, 2);
    return this.encoding.bigEndian ? this.bytes.readUInt16BE(at) : this.bytes.readUInt16LE(at);
  }

  u32(at: number): number {
    this.need(at, 4);
    return this.encoding.bigEndian ? this.bytes.readUInt32BE(at) : this.bytes.readUInt32LE(at);
  }

  tag(at: number): number {
    return ((this.u16(at) << 16) | this.u16(at + 2)) >>> 0;
  }

  need(at: number, n: number): void {
    if (at + n > this.bytes.length) throw malformed(`it ends inside an element at byte ${at}`);
  }

  /** The element starting at `at`, its undefined-length value (sequence, encapsulated pixels) walked through. */
  element(at: number, explicit = this.encoding.explicit): Span {
    const tag = this.tag(at);
    let vr: string | undefined;
    let length: number;
    let valueStart: number;
    const isItemTag = tag >>> 16 === 0xfffe;
    if (explicit && !isItemTag) {
      this.need(at + 4, 2);
      vr = this.bytes.toString('latin1', at + 4, at + 6);
      if (!/^[A-Z]{2}$/.test(vr)) throw malformed(`no value representation at byte ${at + 4}`);
      if (LONG_VRS.has(vr)) {
        length = this.u32(at + 8);
        valueStart = at + 12;
      } else {
        length = this.u16(at + 6);
        valueStart = at + 8;
      }
    } else {
      length = this.u32(at + 4);
      valueStart = at + 8;
    }
    const end = length === UNDEFINED ? this.skipUndefined(valueStart, explicit) : valueStart + length;
    if (end > this.bytes.length) throw malformed(`an element at byte ${at} runs past the end`);
    return { tag, vr, start: at, valueStart, end };
  }

  /** Past the items of an undefined-length value, to after its sequence delimiter. */
  private skipUndefined(at: number, explicit: boolean): number {
    let pos = at;
    for (;;) {
      const tag = this.tag(pos);
      if (tag === 0xfffee0dd) return pos + 8;
      if (tag !== 0xfffee000) throw malformed(`expected an item at byte ${pos}`);
      const length = this.u32(pos + 4);
      pos += 8;
      if (length !== UNDEFINED) pos += length;
      else {
        while (this.tag(pos) !== 0xfffee00d) pos = this.element(pos, explicit).end;
        pos += 8;
      }
    }
  }
}

/** A Part 10 file cut into its preamble and meta group, and its data set (inflated if it was deflated). */
interface Part10 {
  head: Buffer;
  dataset: Buffer;
  transferSyntax: string;
}

function splitPart10(bytes: Uint8Array): Part10 {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 132 || buffer.toString('latin1', 128, 132) !== 'DICM') throw malformed('no DICM signature at byte 128');
  const meta = new Reader(buffer, { explicit: true, bigEndian: false });
  let pos = 132;
  let transferSyntax: string | undefined;
  while (pos + 8 <= buffer.length && meta.u16(pos) === 0x0002) {
    const e = meta.element(pos);
    if (e.tag === 0x00020010) transferSyntax = textOf(buffer, e);
    pos = e.end;
  }
  if (!transferSyntax) throw malformed('no transfer syntax in the file meta information');
  const rest = buffer.subarray(pos);
  return { head: buffer.subarray(0, pos), dataset: transferSyntax === DEFLATED ? zlib.inflateRawSync(rest) : rest, transferSyntax };
}

function encodingOf(transferSyntax: string): Encoding {
  return { explicit: transferSyntax !== IMPLICIT, bigEndian: transferSyntax === BIG_ENDIAN };
}

function topLevel(reader: Reader): Span[] {
  const spans: Span[] = [];
  let pos = 0;
  // Trailing padding shorter than a header is tolerated, as readers do.
  while (pos + 8 <= reader.bytes.length) {
    const span = reader.element(pos);
    spans.push(span);
    pos = span.end;
  }
  return spans;
}

function textOf(bytes: Buffer, span: Span): string {
  return bytes.toString('latin1', span.valueStart, span.end).replace(/[\0 ]+$/, '').trim();
}

function parseTag(tag: string): number {
  if (!/^[0-9A-Fa-f]{8}$/.test(tag)) throw new Error(`not a tag (8 hex digits): ${tag}`);
  return Number.parseInt(tag, 16) >>> 0;
}

function encodeText(tag: number, vr: string, value: string, encoding: Encoding): Buffer {
  let body = Buffer.from(value, 'latin1');
  if (body.length % 2 === 1) body = Buffer.concat([body, Buffer.from([vr === 'UI' ? 0 : 0x20])]);
  const long = encoding.explicit && LONG_VRS.has(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  const u16 = (v: number, at: number) => (encoding.bigEndian ? head.writeUInt16BE(v, at) : head.writeUInt16LE(v, at));
  const u32 = (v: number, at: number) => (encoding.bigEndian ? head.writeUInt32BE(v, at) : head.writeUInt32LE(v, at));
  u16(tag >>> 16, 0);
  u16(tag & 0xffff, 2);
  if (!encoding.explicit) u32(body.length, 4);
  else {
    head.write(vr, 4, 'latin1');
    if (long) u32(body.length, 8);
    else u16(body.length, 6);
  }
  return Buffer.concat([head, body]);
}

/** The text values of top-level elements of a DICOM file, by tag (8 hex digits), for the tags asked. */
export function readTextElements(bytes: Uint8Array, tags: readonly string[]): Record<string, string | undefined> {
  const part = splitPart10(bytes);
  const reader = new Reader(part.dataset, encodingOf(part.transferSyntax));
  const wanted = new Map(tags.map((t) => [parseTag(t), t]));
  const out: Record<string, string | undefined> = Object.fromEntries(tags.map((t) => [t, undefined]));
  for (const span of topLevel(reader)) {
    const name = wanted.get(span.tag);
    if (name !== undefined) out[name] = textOf(part.dataset, span);
  }
  return out;
}

/**
 * Rewrites top-level elements of a DICOM Part 10 file: sets text elements (replacing or inserting them in tag
 * order) and empties others. Everything else, pixel data included, is copied byte for byte; any transfer
 * syntax is kept (deflated data sets are inflated, edited and deflated again). Group lengths of the groups
 * touched are dropped, since they would no longer be true. Throws DICOM_MALFORMED for a file it cannot walk.
 */
export function editDicom(bytes: Uint8Array, edits: DicomEdits): Buffer {
  const part = splitPart10(bytes);
  const encoding = encodingOf(part.transferSyntax);
  const spans = topLevel(new Reader(part.dataset, encoding));
  const blank = new Set((edits.blank ?? []).map(parseTag));
  const set = new Map((edits.set ?? []).map((e) => [parseTag(e.tag), e]));
  const touchedGroups = new Set([...blank, ...set.keys()].map((t) => t >>> 16));

  const pieces: Array<{ tag: number; bytes: Buffer }> = [];
  for (const span of spans) {
    if (set.has(span.tag)) continue;
    if ((span.tag & 0xffff) === 0 && touchedGroups.has(span.tag >>> 16)) continue;
    if (blank.has(span.tag)) {
      pieces.push({ tag: span.tag, bytes: encodeText(span.tag, span.vr ?? 'UN', '', encoding) });
      continue;
    }
    pieces.push({ tag: span.tag, bytes: part.dataset.subarray(span.start, span.end) });
  }
  for (const [tag, e] of set) pieces.push({ tag, bytes: encodeText(tag, e.vr, e.value, encoding) });
  pieces.sort((a, b) => a.tag - b.tag);
  const dataset = Buffer.concat(pieces.map((p) => p.bytes));
  return Buffer.concat([part.head, part.transferSyntax === DEFLATED ? zlib.deflateRawSync(dataset) : dataset]);
}
