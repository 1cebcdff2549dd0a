/**
 * The protobuf wire format, as much of it as ONNX needs: varints, 32-bit floats, length-delimited fields
 * (strings, bytes, nested messages) and packed repeated numbers. Writing keeps large byte blocks (tensor
 * data) as references until `finish`, so a 100 MB model is copied once.
 */

export const WireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  fixed32: 5,
} as const;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });
const TWO_POW_64 = 1n << 64n;

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private pending: number[] = [];
  private flushedLength = 0;

  get byteLength(): number {
    return this.flushedLength + this.pending.length;
  }

  /** int32, int64, uint64 and enum fields; negative values take ten bytes (two's complement), as protobuf does. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, WireType.varint);
    this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WireType.fixed32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.pending.push(...bytes);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.lengthDelimited);
    this.rawVarint(value.length);
    this.pushBlock(value);
    return this;
  }

  message(field: number, message: ProtoWriter): this {
    this.tag(field, WireType.lengthDelimited);
    this.rawVarint(message.byteLength);
    message.flush();
    for (const part of message.parts) this.pushBlock(part);
    return this;
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    return this.bytes(field, float32LittleEndian(Float32Array.from(values)));
  }

  packedVarints(field: number, values: ArrayLike<number | bigint>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.rawVarint(values[i] as number | bigint);
    return this.message(field, inner);
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.flushedLength);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new Error(`bad protobuf field number ${field}`);
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new Error(`protobuf varint must be a safe integer, got ${value}`);
      if (value >= 0) {
        let v = value;
        while (v >= 0x80) {
          this.pending.push((v % 0x80) | 0x80);
          v = Math.floor(v / 0x80);
        }
        this.pending.push(v);
        return;
      }
    }
    let v = BigInt(value);
    if (v < 0n) v += TWO_POW_64;
    if (v < 0n || v >= TWO_POW_64) throw new Error(`protobuf varint out of 64-bit range: ${value}`);
    while (v >= 0x80n) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.pending.push(Number(v));
  }

  private pushBlock(block: Uint8Array): void {
    if (block.length < 64) {
      for (let i = 0; i < block.length; i++) this.pending.push(block[i] as number);
      return;
    }
    this.flush();
    this.parts.push(block);
    this.flushedLength += block.length;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.parts.push(Uint8Array.from(this.pending));
    this.flushedLength += this.pending.length;
    this.pending = [];
  }
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The IEEE 754 little-endian bytes of float32 values (protobuf and ONNX raw_data byte order); on
 * little-endian hosts a view of the same memory, not a copy.
 */
export function float32LittleEndian(values: Float32Array): Uint8Array {
  if (littleEndianHost) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return out;
}

/** Reads float32 values from little-endian bytes (any alignment). */
export function float32FromLittleEndian(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new ProtoDecodeError(`float data of ${bytes.length} bytes is not a multiple of 4`);
  const out = new Float32Array(bytes.length / 4);
  if (littleEndianHost) {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** The bytes do not form a valid protobuf message. */
export class ProtoDecodeError extends Error {
  override name = 'ProtoDecodeError';
}

/** One field of a decoded message: varints as numbers (or bigint beyond 2^53), other wire types as raw bytes. */
export type ProtoField =
  | { field: number; wireType: typeof WireType.varint; value: number | bigint }
  | { field: number; wireType: typeof WireType.fixed64 | typeof WireType.fixed32 | typeof WireType.lengthDelimited; value: Uint8Array };

/** Splits a message into its fields without interpreting them; nested messages stay as bytes (views, not copies). */
export function decodeFields(bytes: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  const cursor = { offset: 0 };
  while (cursor.offset < bytes.length) {
    const key = readVarint(bytes, cursor);
    if (typeof key !== 'number') throw new ProtoDecodeError(`field key too large at byte ${cursor.offset}`);
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) throw new ProtoDecodeError(`field number 0 at byte ${cursor.offset}`);
    switch (wireType) {
      case WireType.varint:
        fields.push({ field, wireType, value: readVarint(bytes, cursor) });
        break;
      case WireType.fixed64:
        fields.push({ field, wireType, value: take(bytes, cursor, 8) });
        break;
      case WireType.fixed32:
        fields.push({ field, wireType, value: take(bytes, cursor, 4) });
        break;
      case WireType.lengthDelimited: {
        const length = readVarint(bytes, cursor);
        if (typeof length !== 'number') throw new ProtoDecodeError(`length too large at byte ${cursor.offset}`);
        fields.push({ field, wireType, value: take(bytes, cursor, length) });
        break;
      }
      default:
        throw new ProtoDecodeError(`unsupported wire type ${wireType} at byte ${cursor.offset}`);
    }
  }
  return fields;
}

/** Values of a repeated varint field, whether written packed (one length-delimited field) or one by one. */
export function repeatedVarints(fields: ProtoField[], field: number): (number | bigint)[] {
  const out: (number | bigint)[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wireType === WireType.varint) out.push(f.value);
    else if (f.wireType === WireType.lengthDelimited) {
      const cursor = { offset: 0 };
      while (cursor.offset < f.value.length) out.push(readVarint(f.value, cursor));
    } else throw new ProtoDecodeError(`field ${field} should hold varints, has wire type ${f.wireType}`);
  }
  return out;
}

/** Values of a repeated float field, packed or not. */
export function repeatedFloats(fields: ProtoField[], field: number): Float32Array {
  const chunks: Float32Array[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wireType === WireType.fixed32 || f.wireType === WireType.lengthDelimited) chunks.push(float32FromLittleEndian(f.value));
    else throw new ProtoDecodeError(`field ${field} should hold floats, has wire type ${f.wireType}`);
  }
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** The last occurrence of a length-delimited field (protobuf's rule for a repeated singular field). */
export function lastBytes(fields: ProtoField[], field: number): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wireType !== WireType.lengthDelimited) throw new ProtoDecodeError(`field ${field} should be length-delimited`);
    found = f.value;
  }
  return found;
}

export function lastVarint(fields: ProtoField[], field: number): number | bigint | undefined {
  let found: number | bigint | undefined;
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wireType !== WireType.varint) throw new ProtoDecodeError(`field ${field} should be a varint`);
    found = f.value;
  }
  return found;
}

export function decodeString(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw new ProtoDecodeError('string field is not valid UTF-8');
  }
}

function readVarint(bytes: Uint8Array, cursor: { offset: number }): number | bigint {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (cursor.offset >= bytes.length) throw new ProtoDecodeError('message ends inside a varint');
    const byte = bytes[cursor.offset++] as number;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) {
      result = BigInt.asUintN(64, result);
      return result <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result) : result;
    }
    shift += 7n;
  }
  throw new ProtoDecodeError('varint longer than 10 bytes');
}

function take(bytes: Uint8Array, cursor: { offset: number }, length: number): Uint8Array {
  const end = cursor.offset + length;
  if (end > bytes.length) throw new ProtoDecodeError(`field of ${length} bytes runs past the end of its message`);
  const out = bytes.subarray(cursor.offset, end);
  cursor.offset = end;
  return out;
}
