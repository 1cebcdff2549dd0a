import { OsteonError } from '../../errors.js';
import type { StateDict } from '../native.js';
import { badCheckpoint, resolveGlobal, StorageType, type GlobalContext } from './globals.js';
import { unpickle, type PickleValue } from './pickle.js';
import { materialize, STORAGE_DTYPES, StorageRef, TensorRef } from './tensor.js';
import { ZipArchive } from './zip.js';

/** The first pickle of a legacy (pre-1.6) torch.save file holds this number. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;
/** Keys under which training scripts commonly nest the weights, in the order they are tried. */
const NESTED_STATE_KEYS = ['state_dict', 'model', 'model_state_dict'];

/**
 * Reads the tensors of a file written by torch.save: a state dict (dict or OrderedDict of tensors), or a
 * checkpoint dict holding one under "state_dict", "model" or "model_state_dict". Entries that are not tensors
 * are dropped. Floating tensors come back as float32, integer and bool tensors as int64, all row-major.
 * Reads the zip format (PyTorch >= 1.6), the legacy format, and plain pickles of tensors.
 * `source` names the file in error messages.
 */
export function readTorchCheckpoint(bytes: Uint8Array, source: string): StateDict {
  return collectTensors(readTorchObject(bytes, source), source);
}

/** The unpickled object of a torch.save file, with tensors as unread `TensorRef`s. */
function readTorchObject(bytes: Uint8Array, source: string): PickleValue {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return readZipFormat(bytes, source);
  if (isLegacyFormat(bytes)) return readLegacyFormat(bytes, source);
  if (bytes.length > 262 && Buffer.from(bytes.buffer, bytes.byteOffset + 257, 5).toString('latin1') === 'ustar') {
    throw new OsteonError(
      'BAD_CHECKPOINT',
      `${source} is a tar-format PyTorch file (PyTorch 0.1), which is not supported. Load it in PyTorch and save it ` +
        'again with torch.save.',
    );
  }
  if (bytes[0] === 0x80) return unpickle(bytes, 0, { source, resolveGlobal: globalsFor(source) }).value;
  throw new OsteonError(
    'BAD_CHECKPOINT',
    `${source} is not a PyTorch checkpoint (neither a torch.save zip file nor a legacy torch.save file). Give a file ` +
      'written by torch.save.',
  );
}

function isLegacyFormat(bytes: Uint8Array): boolean {
  // PROTO 2, LONG1 of 10 bytes: how pickle writes the magic number.
  return bytes.length > 14 && bytes[0] === 0x80 && bytes[2] === 0x8a && bytes[3] === 0x0a;
}

function globalsFor(source: string): (module: string, name: string) => PickleValue {
  const context: GlobalContext = {
    source,
    loadStorageFromBytes(bytes) {
      const storage = readLegacyFormat(bytes, `${source} (a pickled storage)`);
      if (!(storage instanceof StorageRef)) throw badCheckpoint(source, 'a pickled storage holds something else');
      return storage;
    },
  };
  return (module, name) => resolveGlobal(module, name, context);
}

interface StorageId {
  dtype: StorageType['dtype'];
  key: string;
  numel: number;
  /** Legacy files only: [view key, offset, numel] of a view into the storage. */
  view: PickleValue;
}

function parseStorageId(id: PickleValue, source: string): StorageId {
  if (Array.isArray(id) && id[0] === 'module') {
    throw new OsteonError(
      'BAD_CHECKPOINT',
      `${source} holds a pickled nn.Module: only tensors and dicts of tensors are read. Save the weights alone, ` +
        'with torch.save(model.state_dict(), path), and use that file.',
    );
  }
  if (!Array.isArray(id) || id[0] !== 'storage' || id.length < 5) throw badCheckpoint(source, 'it has an unknown persistent id');
  const [, type, key, , numel, view] = id;
  if (!(type instanceof StorageType)) throw badCheckpoint(source, 'a storage has an unknown type');
  if (typeof numel !== 'number' || numel < 0) throw badCheckpoint(source, 'a storage has no valid size');
  return { dtype: type.dtype, key: String(key), numel, view: view ?? null };
}

function readZipFormat(bytes: Uint8Array, source: string): PickleValue {
  const archive = new ZipArchive(bytes, source);
  const pickleName = archive.names().find((name) => name === 'data.pkl' || /^[^/]*\/data\.pkl$/.test(name));
  if (!pickleName) {
    const hint = archive.names().some((name) => name.endsWith('constants.pkl'))
      ? 'it looks like a TorchScript archive (torch.jit.save); save model.state_dict() with torch.save instead'
      : 'it is a zip archive without data.pkl, so not a torch.save file';
    throw badCheckpoint(source, hint);
  }
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  if (archive.has(`${prefix}byteorder`)) {
    const order = Buffer.from(archive.read(`${prefix}byteorder`)).toString('latin1').trim();
    if (order !== 'little') throw badCheckpoint(source, `it was saved on a ${order}-endian machine, which is not supported`);
  }
  const storages = new Map<string, StorageRef>();
  const persistentLoad = (id: PickleValue): StorageRef => {
    const { dtype, key, numel } = parseStorageId(id, source);
    let storage = storages.get(key);
    if (!storage) {
      let data: Uint8Array | undefined;
      storage = new StorageRef(dtype, numel, () => {
        const entry = `${prefix}data/${key}`;
        if (!archive.has(entry)) throw badCheckpoint(source, `its storage entry ${entry} is missing`);
        return (data ??= archive.read(entry));
      });
      storages.set(key, storage);
    }
    return storage;
  };
  return unpickle(archive.read(pickleName), 0, { source, resolveGlobal: globalsFor(source), persistentLoad }).value;
}

function readLegacyFormat(bytes: Uint8Array, source: string): PickleValue {
  const plain = { source, resolveGlobal: globalsFor(source) };
  const magic = unpickle(bytes, 0, plain);
  if (magic.value !== LEGACY_MAGIC) throw badCheckpoint(source, 'it starts like a legacy torch.save file but its magic number differs');
  const protocol = unpickle(bytes, magic.end, plain);
  if (protocol.value !== LEGACY_PROTOCOL) throw badCheckpoint(source, `it has legacy protocol ${String(protocol.value)}, not ${LEGACY_PROTOCOL}`);
  const systemInfo = unpickle(bytes, protocol.end, plain);
  if (systemInfo.value instanceof Map && systemInfo.value.get('little_endian') === false) {
    throw badCheckpoint(source, 'it was saved on a big-endian machine, which is not supported');
  }

  // Storage data follows the pickles that refer to it, so storages read their bytes only once all are located.
  const roots = new Map<string, { dtype: StorageId['dtype']; numel: number; data?: Uint8Array }>();
  const persistentLoad = (id: PickleValue): StorageRef => {
    const { dtype, key, numel, view } = parseStorageId(id, source);
    if (!roots.has(key)) roots.set(key, { dtype, numel });
    const root = roots.get(key)!;
    const rootBytes = () => {
      if (!root.data) throw badCheckpoint(source, `the data of storage ${key} is missing`);
      return root.data;
    };
    if (!Array.isArray(view)) return new StorageRef(dtype, numel, rootBytes);
    // A view into the root storage (files written before PyTorch 0.4).
    const size = STORAGE_DTYPES[dtype];
    const offset = Number(view[1]);
    const viewNumel = Number(view[2]);
    return new StorageRef(dtype, viewNumel, () => rootBytes().subarray(offset * size, (offset + viewNumel) * size));
  };
  const object = unpickle(bytes, systemInfo.end, { ...plain, persistentLoad });
  const keys = unpickle(bytes, object.end, plain);
  if (!Array.isArray(keys.value)) throw badCheckpoint(source, 'its list of storages is missing');

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = keys.end;
  for (const key of keys.value) {
    const root = roots.get(String(key));
    if (!root) throw badCheckpoint(source, `it lists storage ${String(key)}, which nothing refers to`);
    if (at + 8 > bytes.length) throw badCheckpoint(source, `the data of storage ${String(key)} is missing (truncated file)`);
    const count = Number(view.getBigInt64(at, true));
    const end = at + 8 + count * STORAGE_DTYPES[root.dtype];
    if (count < 0 || end > bytes.length) throw badCheckpoint(source, `the data of storage ${String(key)} is cut short (truncated file)`);
    root.data = bytes.subarray(at + 8, end);
    at = end;
  }
  return object.value;
}

function describe(value: PickleValue): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof TensorRef) return 'a single tensor';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function collectTensors(root: PickleValue, source: string): StateDict {
  if (!(root instanceof Map)) {
    throw new OsteonError('BAD_CHECKPOINT', `${source} holds ${describe(root)}, not a dict of tensors. Save a state dict with torch.save(model.state_dict(), path).`);
  }
  let dict: Map<PickleValue, PickleValue> = root;
  for (const key of NESTED_STATE_KEYS) {
    const nested = root.get(key);
    if (nested instanceof Map) {
      dict = nested;
      break;
    }
  }
  const state: StateDict = {};
  for (const [name, value] of dict) {
    if (typeof name !== 'string' || !(value instanceof TensorRef)) continue;
    try {
      state[name] = materialize(value);
    } catch (error) {
      if (error instanceof OsteonError) throw error;
      throw badCheckpoint(source, `tensor "${name}" cannot be read: ${(error as Error).message}`);
    }
  }
  if (Object.keys(state).length === 0) {
    const keys = [...root.keys()].slice(0, 10).map(String).join(', ');
    throw new OsteonError(
      'BAD_CHECKPOINT',
      `${source} holds no tensors at its top level or under ${NESTED_STATE_KEYS.join(', ')} (its keys: ${keys || 'none'}). ` +
        'Save a state dict with torch.save(model.state_dict(), path).',
    );
  }
  return state;
}
