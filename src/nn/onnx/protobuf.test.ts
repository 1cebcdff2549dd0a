import { describe, expect, it } from 'vitest';
import {
  decodeFields,
  decodeString,
  lastBytes,
  lastVarint,
  ProtoDecodeError,
  ProtoWriter,
  repeatedFloats,
  repeatedVarints,
  WireType,
} from './protobuf.js';

describe('protobuf wire format', () => {
  it('encodes varints as the protobuf specification shows (field 1 = 150 -> 08 96 01)', () => {
    expect([...new ProtoWriter().varint(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
  });

  it('encodes a string field as key, length, UTF-8 bytes (field 2 = "testing")', () => {
    const bytes = new ProtoWriter().string(2, 'testing').finish();
    expect([...bytes.subarray(0, 2)]).toEqual([0x12, 0x07]);
    expect(new TextDecoder().decode(bytes.subarray(2))).toBe('testing');
  });

  it('round-trips varints across the 64-bit range, negatives as ten-byte two\'s complement', () => {
    const values = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 53 - 1];
    const w = new ProtoWriter();
    for (const v of values) w.varint(3, v);
    w.varint(4, -1).varint(5, 2n ** 63n);
    const bytes = w.finish();
    const fields = decodeFields(bytes);
    expect(repeatedVarints(fields, 3)).toEqual(values);
    expect(lastVarint(fields, 4)).toBe(2n ** 64n - 1n);
    expect(lastVarint(fields, 5)).toBe(2n ** 63n);
    // -1 takes 1 key byte + 10 value bytes.
    expect(new ProtoWriter().varint(4, -1).finish()).toHaveLength(11);
  });

  it('round-trips nested messages, packed floats and packed varints', () => {
    const floats = Float32Array.from([0, -1.5, 3.25, 1e-20, Math.PI]);
    const big = new Uint8Array(1000).map((_, i) => i % 251);
    const inner = new ProtoWriter().packedFloats(4, floats).packedVarints(1, [2, 3, 500]).bytes(9, big);
    const outer = new ProtoWriter().string(1, 'ünïcode').message(7, inner).float(2, 0.5);
    const fields = decodeFields(outer.finish());
    expect(decodeString(lastBytes(fields, 1) as Uint8Array)).toBe('ünïcode');
    expect(repeatedFloats(fields, 2)).toEqual(Float32Array.of(0.5));
    const innerFields = decodeFields(lastBytes(fields, 7) as Uint8Array);
    expect(repeatedFloats(innerFields, 4)).toEqual(floats);
    expect(repeatedVarints(innerFields, 1)).toEqual([2, 3, 500]);
    expect(lastBytes(innerFields, 9)).toEqual(big);
    expect(innerFields.map((f) => f.wireType)).toEqual([WireType.lengthDelimited, WireType.lengthDelimited, WireType.lengthDelimited]);
  });

  it('rejects truncated or malformed messages', () => {
    const bytes = new ProtoWriter().string(1, 'hello').finish();
    expect(() => decodeFields(bytes.subarray(0, bytes.length - 1))).toThrow(ProtoDecodeError);
    expect(() => decodeFields(Uint8Array.of(0x08, 0x80))).toThrow(/ends inside a varint/);
    expect(() => decodeFields(Uint8Array.of(0x0b))).toThrow(/wire type 3/);
    expect(() => decodeFields(Uint8Array.of(0x00, 0x01))).toThrow(/field number 0/);
  });
});
