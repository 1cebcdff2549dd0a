import zlib from 'node:zlib';
import { OsteonError } from '../errors.js';

/** A text element to write: tag as 8 hex digits (`00100020`), its VR, its value. */
export interface TextElement {
  tag: string;
  vr: string;
  value: string;
}

export interface DicomEdits {
  /** Top-level elements to write, replacing any with the same tag. */
  set?: TextElement[];
  /**
   * Tags whose value is emptied wherever they occur, in the items of sequences at any depth too (kept as
   * zero-length elements, as type 2 attributes must be). A top-level tag also in `set` is written instead.
   */
  blank?: string[];
  /** Tags whose elements are dropped wherever they occur (sequences whose items only identify someone). */
  remove?: string[];
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
    // An undefined-length UN is a sequence whose items are implicit VR (PS3.5 6.2.2).
    const end = length === UNDEFINED ? this.skipUndefined(valueStart, explicit && vr !== 'UN') : valueStart + length;
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

const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const PIXEL_DATA = 0x7fe00010;

/** The elements of an item: up to `to`, or (undefined length) up to its delimiter, whose end is returned too. */
function itemElements(reader: Reader, from: number, to: number | undefined, explicit: boolean): { spans: Span[]; end: number } {
  const spans: Span[] = [];
  let pos = from;
  for (;;) {
    if (to !== undefined ? pos >= to : reader.tag(pos) === ITEM_END) break;
    const span = reader.element(pos, explicit);
    spans.push(span);
    pos = span.end;
  }
  return { spans, end: to ?? pos + 8 };
}

/** The items of a sequence element, each as its elements. */
function sequenceItems(reader: Reader, span: Span, explicit: boolean): Span[][] {
  const items: Span[][] = [];
  let pos = span.valueStart;
  while (pos < span.end) {
    const tag = reader.tag(pos);
    if (tag === SEQUENCE_END) break;
    if (tag !== ITEM) throw malformed(`expected an item at byte ${pos}`);
    const length = reader.u32(pos + 4);
    const item = itemElements(reader, pos + 8, length === UNDEFINED ? undefined : pos + 8 + length, explicit);
    items.push(item.spans);
    pos = item.end;
  }
  return items;
}

/**
 * How the items of an element are encoded, if it holds items: SQ; in implicit VR any element whose value opens
 * with an item (no VR says so); and UN holding a sequence of unknown type, whose items are implicit VR (PS3.5 6.2.2).
 */
function sequenceEncoding(reader: Reader, span: Span, explicit: boolean): boolean | null {
  if (span.tag === PIXEL_DATA || span.end - span.valueStart < 8) return null;
  if (span.vr === 'SQ') return explicit;
  if ((span.vr === undefined || span.vr === 'UN') && reader.tag(span.valueStart) === ITEM) return false;
  return null;
}

interface ResolvedEdits {
  blank: Set<number>;
  remove: Set<number>;
  set: Map<number, TextElement>;
}

class DatasetEditor {
  constructor(
    readonly reader: Reader,
    readonly encoding: Encoding,
    readonly edits: ResolvedEdits,
  ) {}

  private u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.encoding.bigEndian) b.writeUInt16BE(v);
    else b.writeUInt16LE(v);
    return b;
  }

  private u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.encoding.bigEndian) b.writeUInt32BE(v);
    else b.writeUInt32LE(v);
    return b;
  }

  private delimiter(tag: number): Buffer {
    return Buffer.concat([this.u16(tag >>> 16), this.u16(tag & 0xffff), this.u32(0)]);
  }

  /**
   * The edited bytes of a list of elements, or null when nothing in them changed (the caller copies them).
   * Elements whose items changed are written again with undefined lengths, which needs no length arithmetic.
   */
  elements(spans: Span[], explicit: boolean, top: boolean): Buffer | null {
    const pieces: Array<{ tag: number; bytes: Buffer }> = [];
    const touchedGroups = new Set<number>();
    for (const span of spans) {
      if (top && this.edits.set.has(span.tag)) {
        touchedGroups.add(span.tag >>> 16);
        continue;
      }
      if (this.edits.remove.has(span.tag)) {
        touchedGroups.add(span.tag >>> 16);
        continue;
      }
      if (this.edits.blank.has(span.tag)) {
        touchedGroups.add(span.tag >>> 16);
        pieces.push({ tag: span.tag, bytes: encodeText(span.tag, span.vr ?? 'UN', '', { ...this.encoding, explicit }) });
        continue;
      }
      const itemsExplicit = sequenceEncoding(this.reader, span, explicit);
      const edited = itemsExplicit === null ? null : this.sequence(span, explicit, itemsExplicit);
      if (edited) touchedGroups.add(span.tag >>> 16);
      pieces.push({ tag: span.tag, bytes: edited ?? this.reader.bytes.subarray(span.start, span.end) });
    }
    if (top) {
      for (const [tag, e] of this.edits.set) {
        touchedGroups.add(tag >>> 16);
        pieces.push({ tag, bytes: encodeText(tag, e.vr, e.value, this.encoding) });
      }
    }
    if (touchedGroups.size === 0) return null;
    // Group lengths of the groups touched would no longer be true.
    const kept = pieces.filter((p) => !((p.tag & 0xffff) === 0 && touchedGroups.has(p.tag >>> 16)));
    kept.sort((a, b) => a.tag - b.tag);
    return Buffer.concat(kept.map((p) => p.bytes));
  }

  private sequence(span: Span, explicit: boolean, itemsExplicit: boolean): Buffer | null {
    let items: Span[][];
    try {
      items = sequenceItems(this.reader, span, itemsExplicit);
    } catch (error) {
      // An implicit-VR value that only looked like items (or a UN one that is not a sequence) is copied as it is.
      if (span.vr === 'SQ') throw error;
      return null;
    }
    const edited = items.map((item) => this.elements(item, itemsExplicit, false));
    if (edited.every((e) => e === null)) return null;
    const header = explicit
      ? Buffer.concat([this.u16(span.tag >>> 16), this.u16(span.tag & 0xffff), Buffer.from(span.vr!, 'latin1'), Buffer.alloc(2), this.u32(UNDEFINED)])
      : Buffer.concat([this.u16(span.tag >>> 16), this.u16(span.tag & 0xffff), this.u32(UNDEFINED)]);
    const body = items.map((item, i) => {
      const content = edited[i] ?? (item.length ? this.reader.bytes.subarray(item[0]!.start, item.at(-1)!.end) : Buffer.alloc(0));
      return Buffer.concat([this.u16(ITEM >>> 16), this.u16(ITEM & 0xffff), this.u32(UNDEFINED), content, this.delimiter(ITEM_END)]);
    });
    return Buffer.concat([header, ...body, this.delimiter(SEQUENCE_END)]);
  }
}

/**
 * Rewrites a DICOM Part 10 file: sets top-level text elements (replacing or inserting them in tag order), empties
 * or drops others at any depth. Everything else, pixel data included, is copied byte for byte; any transfer
 * syntax is kept (deflated data sets are inflated, edited and deflated again). Group lengths of the groups
 * touched are dropped, since they would no longer be true. Throws DICOM_MALFORMED for a file it cannot walk.
 */
export function editDicom(bytes: Uint8Array, edits: DicomEdits): Buffer {
  const part = splitPart10(bytes);
  const encoding = encodingOf(part.transferSyntax);
  const reader = new Reader(part.dataset, encoding);
  const editor = new DatasetEditor(reader, encoding, {
    blank: new Set((edits.blank ?? []).map(parseTag)),
    remove: new Set((edits.remove ?? []).map(parseTag)),
    set: new Map((edits.set ?? []).map((e) => [parseTag(e.tag), e])),
  });
  const dataset = editor.elements(topLevel(reader), encoding.explicit, true) ?? part.dataset;
  return Buffer.concat([part.head, part.transferSyntax === DEFLATED ? zlib.deflateRawSync(dataset) : dataset]);
}
