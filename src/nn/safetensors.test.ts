import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

/** A safetensors file written by hand, the way other tools lay it out. */
function handWritten(header: object, data: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips float32 and int64 tensors with metadata', () => {
    const state = {
      'conv.weight': { shape: [2, 1, 1, 2], dtype: 'float32' as const, data: Float32Array.from([1.5, -2, 3.25, 0]) },
      'bn.num_batches_tracked': { shape: [], dtype: 'int64' as const, data: BigInt64Array.from([7n]) },
    };
    const bytes = encodeSafetensors(state, { arch: 'tiny' });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ arch: 'tiny' });
    expect(back.state).toEqual(state);
  });

  it('reads float16 and bfloat16 tensors as float32', () => {
    // 1.0, -2.0, 0.5 in float16 (0x3c00, 0xc000, 0x3800) and in bfloat16 (0x3f80, 0xc000, 0x3f00).
    const half = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x3f80, 0xc000, 0x3f00]);
    const bytes = handWritten(
      { a: { dtype: 'F16', shape: [3], data_offsets: [0, 6] }, b: { dtype: 'BF16', shape: [3], data_offsets: [6, 12] } },
      new Uint8Array(half.buffer),
    );
    const { state } = decodeSafetensors(bytes);
    expect(Array.from(state.a!.data as Float32Array)).toEqual([1, -2, 0.5]);
    expect(Array.from(state.b!.data as Float32Array)).toEqual([1, -2, 0.5]);
  });

  it('says what is wrong with a truncated or foreign file', () => {
    const bytes = encodeSafetensors({ w: { shape: [4], dtype: 'float32', data: new Float32Array(4) } });
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'w.safetensors')).toThrow(/inconsistent offsets \(the file may be truncated\)/);
    expect(() => decodeSafetensors(new Uint8Array(4))).toThrow(/shorter than its 8-byte header/);
    expect(() => decodeSafetensors(handWritten({ w: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)))).toThrow(/unsupported dtype U8/);
  });
});
