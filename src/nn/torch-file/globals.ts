import { OsteonError } from '../../errors.js';
import { PickleCallable, type PickleValue } from './pickle.js';
import { StorageRef, TensorRef, type StorageDtype } from './tensor.js';

/**
 * The only Python globals a checkpoint may name. Everything else (os.system, builtins.eval, a pickled
 * nn.Module's class, numpy scalars) is refused when the pickle names it, before anything could use it.
 */

/** A storage class such as torch.FloatStorage, as it appears in a persistent id. */
export class StorageType {
  constructor(readonly dtype: StorageDtype) {}
}

/** A dtype such as torch.float32 (tensor metadata only). */
export class TorchDtype {
  constructor(readonly dtype: string) {}
}

const STORAGE_CLASSES: Record<string, StorageDtype> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

const DTYPE_NAMES = new Set([
  'float32', 'float', 'float64', 'double', 'float16', 'half', 'bfloat16',
  'int64', 'long', 'int32', 'int', 'int16', 'short', 'int8', 'uint8', 'bool',
]);

export function badCheckpoint(source: string, why: string): OsteonError {
  return new OsteonError(
    'BAD_CHECKPOINT',
    `${source} is not a readable PyTorch checkpoint: ${why}. The file may be damaged; download or save it again.`,
  );
}

/** An integer argument (size, stride, offset) as a number. */
export function toIndex(value: PickleValue, what: string, source: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw badCheckpoint(source, `a tensor's ${what} is not an integer`);
  return n;
}

function toIndexList(value: PickleValue, what: string, source: string): number[] {
  if (!Array.isArray(value)) throw badCheckpoint(source, `a tensor's ${what} is not a tuple`);
  return value.map((v) => toIndex(v, what, source));
}

function rebuildTensor(args: PickleValue[], source: string): TensorRef {
  const [storage, offset = null, size = null, stride = null] = args;
  if (!(storage instanceof StorageRef)) throw badCheckpoint(source, 'a tensor is rebuilt from something that is not a storage');
  const shape = toIndexList(size, 'size', source);
  const strides = toIndexList(stride, 'stride', source);
  if (shape.length !== strides.length) throw badCheckpoint(source, 'a tensor has a stride of another length than its size');
  return new TensorRef(storage, toIndex(offset, 'storage offset', source), shape, strides);
}

function tensorArgument(args: PickleValue[], source: string): TensorRef {
  if (!(args[0] instanceof TensorRef)) throw badCheckpoint(source, 'a parameter wraps something that is not a tensor');
  return args[0];
}

export interface GlobalContext {
  source: string;
  /** torch.storage._load_from_bytes: a storage pickled on its own, as a legacy torch.save file. */
  loadStorageFromBytes(bytes: Uint8Array): StorageRef;
}

export function resolveGlobal(module: string, name: string, context: GlobalContext): PickleValue {
  const { source } = context;
  const callable = (call: (args: PickleValue[]) => PickleValue) => new PickleCallable(`${module}.${name}`, call);
  const qualified = `${module}.${name}`;
  switch (qualified) {
    case 'collections.OrderedDict':
      return callable((args) => {
        const dict = new Map<PickleValue, PickleValue>();
        for (const pair of (args[0] ?? []) as PickleValue[]) {
          if (Array.isArray(pair) && pair.length === 2) dict.set(pair[0]!, pair[1]!);
        }
        return dict;
      });
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_tensor':
      return callable((args) => rebuildTensor(args, source));
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return callable((args) => tensorArgument(args, source));
    case 'torch.jit._pickle.restore_type_tag':
      // libtorch's pickle_save tags typed containers (Dict[str, Tensor]); the tag changes nothing about the value.
      return callable((args) => args[0] ?? null);
    case 'torch.Size':
      return callable((args) => (Array.isArray(args[0]) ? args[0] : []));
    case 'torch.storage._load_from_bytes':
      return callable((args) => {
        if (!(args[0] instanceof Uint8Array)) throw badCheckpoint(source, 'a pickled storage holds no bytes');
        return context.loadStorageFromBytes(args[0]);
      });
    case '_codecs.encode':
      // How protocol-2 pickles write bytes: encode(text, 'latin1').
      return callable((args) => {
        if (typeof args[0] !== 'string' || (args[1] !== 'latin1' && args[1] !== 'latin-1')) {
          throw badCheckpoint(source, 'it encodes bytes in a way other than latin1');
        }
        return Uint8Array.from(args[0], (c) => c.charCodeAt(0));
      });
  }
  if (module === 'torch' && name in STORAGE_CLASSES) return new StorageType(STORAGE_CLASSES[name]!);
  if (module === 'torch' && DTYPE_NAMES.has(name)) return new TorchDtype(name);
  throw new OsteonError(
    'BAD_CHECKPOINT',
    `unsupported object ${qualified} in ${source}: only tensors and dicts of tensors are read. Save the weights ` +
      'alone, with torch.save(model.state_dict(), path), and use that file.',
  );
}
