import type { HostTensor } from '../native.js';
import { bfloat16ToFloat32, float16ToFloat32 } from '../half-precision.js';

/** The element types of PyTorch storages that a checkpoint can hold, with their size in bytes. */
export const STORAGE_DTYPES = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
} as const;

export type StorageDtype = keyof typeof STORAGE_DTYPES;

/**
 * A storage as a checkpoint references it: its element type and count, and its raw little-endian bytes, fetched
 * only when a tensor that is kept needs them (a legacy file stores them after the pickle that refers to them).
 */
export class StorageRef {
  constructor(
    readonly dtype: StorageDtype,
    readonly numel: number,
    readonly bytes: () => Uint8Array,
  ) {}
}

/** What `_rebuild_tensor_v2` describes: a strided view into a storage; turned into data by `materialize`. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

type NativeArray =
  | Float32Array
  | Float64Array
  | Uint16Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

interface ArrayType {
  new (length: number): NativeArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): NativeArray;
}

const ARRAY_TYPES: Record<StorageDtype, ArrayType> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

/** A typed array over the bytes: a view when they are aligned for the type, otherwise an aligned copy. */
function typedElements(dtype: StorageDtype, bytes: Uint8Array, count: number): NativeArray {
  const ArrayType = ARRAY_TYPES[dtype];
  const size = STORAGE_DTYPES[dtype];
  if (bytes.byteOffset % size === 0) return new ArrayType(bytes.buffer, bytes.byteOffset, count);
  const copy = bytes.slice(0, count * size);
  return new ArrayType(copy.buffer, 0, count);
}

/** Copies the strided view into a new row-major array of the same type. */
function gatherStrided(source: NativeArray, offset: number, shape: number[], stride: number[], count: number): NativeArray {
  const out = new (source.constructor as ArrayType)(count);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let from = offset;
  // Walk the output in row-major order, advancing the source position like an odometer.
  for (let i = 0; i < count; i++) {
    (out as Float32Array)[i] = (source as Float32Array)[from]!;
    for (let d = rank - 1; d >= 0; d--) {
      from += stride[d]!;
      if (++index[d]! < shape[d]!) break;
      from -= stride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

function toHostData(dtype: StorageDtype, values: NativeArray): Float32Array | BigInt64Array {
  switch (dtype) {
    case 'float32':
    case 'int64':
      return values as Float32Array | BigInt64Array;
    case 'float64':
      return new Float32Array(values as Float64Array);
    case 'float16':
      return float16ToFloat32(values as Uint16Array);
    case 'bfloat16':
      return bfloat16ToFloat32(values as Uint16Array);
    default: {
      const ints = values as Int32Array;
      const out = new BigInt64Array(ints.length);
      for (let i = 0; i < ints.length; i++) out[i] = BigInt(ints[i]!);
      return out;
    }
  }
}

export function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/**
 * The tensor's values, row-major, as float32 (floating types) or int64 (integer and bool types). Contiguous
 * float32 and int64 tensors share memory with the checkpoint's bytes when those are aligned.
 * Throws a plain Error with the reason when the view does not fit in its storage.
 */
export function materialize(tensor: TensorRef): HostTensor {
  const { storage, offset, shape, stride } = tensor;
  const count = shape.reduce((a, b) => a * b, 1);
  const hostDtype = storage.dtype.startsWith('float') || storage.dtype === 'bfloat16' ? 'float32' : 'int64';
  if (count === 0) {
    return { shape, dtype: hostDtype, data: hostDtype === 'float32' ? new Float32Array(0) : new BigInt64Array(0) };
  }
  let last = offset;
  for (let d = 0; d < shape.length; d++) last += (shape[d]! - 1) * stride[d]!;
  if (offset < 0 || stride.some((s) => s < 0) || last >= storage.numel) {
    throw new Error(`its view (offset ${offset}, shape [${shape}], stride [${stride}]) reaches past its storage of ${storage.numel} elements`);
  }
  const bytes = storage.bytes();
  const size = STORAGE_DTYPES[storage.dtype];
  if (bytes.length < storage.numel * size) {
    throw new Error(`its storage holds ${bytes.length} bytes where ${storage.numel * size} are expected`);
  }
  const values = isContiguous(shape, stride)
    ? typedElements(storage.dtype, bytes.subarray(offset * size), count)
    : gatherStrided(typedElements(storage.dtype, bytes, storage.numel), offset, shape, stride, count);
  return { shape, dtype: hostDtype, data: toHostData(storage.dtype, values) };
}
