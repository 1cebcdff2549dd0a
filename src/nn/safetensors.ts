import fs from 'node:fs';
import { OsteonError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './half-precision.js';
import type { HostTensor, StateDict } from './native.js';

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a
 * JSON header `{name: {dtype, shape, data_offsets}, __metadata__?: {string: string}}`, then raw little-endian data.
 * Readable by PyTorch, JAX, Rust and most model tools.
 */

const DTYPE_SIZE: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I64: 8, I32: 4 };

export function encodeSafetensors(state: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(state).sort();
  for (const name of names) {
    const tensor = state[name]!;
    const size = tensor.data.byteLength;
    header[name] = { dtype: tensor.dtype === 'int64' ? 'I64' : 'F32', shape: tensor.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let cursor = 8 + headerBytes.length;
  for (const name of names) {
    const data = state[name]!.data;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), cursor);
    cursor += data.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors file'): {
  state: StateDict;
  metadata: Record<string, string>;
} {
  const bad = (why: string) => new OsteonError('BAD_CHECKPOINT', `${source} is not a valid safetensors file: ${why}.`);
  if (bytes.length < 8) throw bad('it is shorter than its 8-byte header length');
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > bytes.length - 8 || headerLength > 100_000_000) throw bad('its header length is out of range');
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8'));
  } catch {
    throw bad('its header is not JSON');
  }
  const base = 8 + headerLength;
  const state: StateDict = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as unknown as Record<string, string>;
      continue;
    }
    const size = DTYPE_SIZE[entry.dtype];
    if (!size) throw bad(`tensor "${name}" has unsupported dtype ${entry.dtype}`);
    const [start, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - start !== count * size || base + end > bytes.length || start < 0) {
      throw bad(`tensor "${name}" has inconsistent offsets (the file may be truncated)`);
    }
    // Copy so the result is aligned and independent of the input buffer.
    const raw = bytes.slice(base + start, base + end);
    let tensor: HostTensor;
    switch (entry.dtype) {
      case 'F32':
        tensor = { shape: entry.shape, dtype: 'float32', data: new Float32Array(raw.buffer) };
        break;
      case 'F64':
        tensor = { shape: entry.shape, dtype: 'float32', data: Float32Array.from(new Float64Array(raw.buffer)) };
        break;
      case 'F16':
        tensor = { shape: entry.shape, dtype: 'float32', data: float16ToFloat32(new Uint16Array(raw.buffer)) };
        break;
      case 'BF16':
        tensor = { shape: entry.shape, dtype: 'float32', data: bfloat16ToFloat32(new Uint16Array(raw.buffer)) };
        break;
      case 'I64':
        tensor = { shape: entry.shape, dtype: 'int64', data: new BigInt64Array(raw.buffer) };
        break;
      default:
        tensor = {
          shape: entry.shape,
          dtype: 'int64',
          data: BigInt64Array.from(new Int32Array(raw.buffer), (v) => BigInt(v)),
        };
    }
    state[name] = tensor;
  }
  return { state, metadata };
}

export function saveSafetensors(file: string, state: StateDict, metadata: Record<string, string> = {}): void {
  writeFileAtomic(file, encodeSafetensors(state, metadata));
}

export function loadSafetensors(file: string): { state: StateDict; metadata: Record<string, string> } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new OsteonError('CHECKPOINT_NOT_FOUND', `Cannot read checkpoint ${file}: ${(error as Error).message}.`);
  }
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}
