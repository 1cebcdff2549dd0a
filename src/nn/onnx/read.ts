import { OsteonError } from '../../errors.js';
import { OSTEON_FORMAT_VERSION, OSTEON_KEYS } from './metadata-keys.js';
import { DataType, Field } from './onnx-proto.js';
import {
  decodeFields,
  decodeString,
  float32FromLittleEndian,
  lastBytes,
  lastVarint,
  ProtoDecodeError,
  repeatedFloats,
  repeatedVarints,
  type ProtoField,
} from './protobuf.js';

/**
 * Reads what serving needs from an ONNX file without a protobuf library or an inference session:
 * the metadata properties and single initializers (the linear head's weights for class activation maps).
 */

const notOnnx = (detail: string) =>
  new OsteonError(
    'ONNX_INVALID',
    `The file is not a readable ONNX model (${detail}). Use the .onnx file written by \`osteon export\`, and export it again if it was damaged.`,
  );

/** Decodes with protobuf errors turned into the user-facing "not ONNX" error. */
function decoded<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ProtoDecodeError) throw notOnnx(`${what}: ${e.message}`);
    throw e;
  }
}

/** The top-level fields of a ModelProto, after checking that the bytes look like one. */
function modelFields(bytes: Uint8Array): ProtoField[] {
  if (bytes.length === 0) throw notOnnx('the file is empty');
  return decoded('model', () => {
    const fields = decodeFields(bytes);
    const irVersion = lastVarint(fields, Field.model.irVersion);
    if (irVersion === undefined) throw notOnnx('no IR version');
    if (lastBytes(fields, Field.model.graph) === undefined) throw notOnnx('no graph');
    if (!fields.some((f) => f.field === Field.model.opsetImport)) throw notOnnx('no operator set');
    return fields;
  });
}

/**
 * All metadata properties of an Osteon ONNX model, keys as written (the writer's own under `osteon.`).
 * Throws ONNX_INVALID for bytes that are not ONNX, ONNX_NOT_OSTEON when the model carries no Osteon metadata,
 * ONNX_FORMAT_TOO_NEW when it was written by a newer Osteon.
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const fields = modelFields(bytes);
  const metadata: Record<string, string> = {};
  decoded('metadata', () => {
    for (const f of fields) {
      if (f.field !== Field.model.metadataProps) continue;
      if (!(f.value instanceof Uint8Array)) throw new ProtoDecodeError('metadata entry is not a message');
      const entry = decodeFields(f.value);
      const key = lastBytes(entry, Field.stringEntry.key);
      const value = lastBytes(entry, Field.stringEntry.value);
      metadata[key ? decodeString(key) : ''] = value ? decodeString(value) : '';
    }
  });
  const format = metadata[OSTEON_KEYS.format];
  if (format === undefined) {
    throw new OsteonError(
      'ONNX_NOT_OSTEON',
      'This ONNX model has no Osteon metadata (preprocessing, classes, threshold), so Osteon cannot serve it. ' +
        'Export the model from its training run with `osteon export --run RUN --out FILE.onnx`.',
    );
  }
  if (!(Number(format) <= OSTEON_FORMAT_VERSION)) {
    throw new OsteonError(
      'ONNX_FORMAT_TOO_NEW',
      `This model was exported in Osteon model format ${format}; this Osteon reads up to ${OSTEON_FORMAT_VERSION}. Upgrade Osteon to serve it.`,
    );
  }
  return metadata;
}

export interface InitializerTensor {
  dims: number[];
  data: Float32Array;
}

/** A float32 initializer of the model's graph by name, e.g. `fc.weight`. Throws ONNX_INITIALIZER_MISSING if absent. */
export function readOnnxInitializer(bytes: Uint8Array, name: string): InitializerTensor {
  const fields = modelFields(bytes);
  const found = decoded(`initializer "${name}"`, () => {
    const graph = decodeFields(lastBytes(fields, Field.model.graph) as Uint8Array);
    for (const f of graph) {
      if (f.field !== Field.graph.initializer) continue;
      if (!(f.value instanceof Uint8Array)) throw new ProtoDecodeError('initializer is not a message');
      const tensor = decodeFields(f.value);
      const tensorName = lastBytes(tensor, Field.tensor.name);
      if (tensorName && decodeString(tensorName) === name) return decodeFloatTensor(tensor, name);
    }
    return undefined;
  });
  if (!found) {
    throw new OsteonError(
      'ONNX_INITIALIZER_MISSING',
      `The ONNX model has no tensor "${name}". Re-export the model with \`osteon export\` so that it keeps the head's weights under that name.`,
    );
  }
  return found;
}

function decodeFloatTensor(tensor: ProtoField[], name: string): InitializerTensor {
  const dataType = lastVarint(tensor, Field.tensor.dataType);
  if (dataType !== DataType.FLOAT) throw notOnnx(`tensor "${name}" has data type ${dataType}, expected float32 (1)`);
  if (lastVarint(tensor, Field.tensor.dataLocation) === 1 || tensor.some((f) => f.field === Field.tensor.externalData)) {
    throw notOnnx(`tensor "${name}" is stored outside the model file`);
  }
  const dims = repeatedVarints(tensor, Field.tensor.dims).map(Number);
  const raw = lastBytes(tensor, Field.tensor.rawData);
  const data = raw !== undefined ? float32FromLittleEndian(raw) : repeatedFloats(tensor, Field.tensor.floatData);
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw notOnnx(`tensor "${name}" holds ${data.length} values for shape [${dims.join(', ')}]`);
  return { dims, data };
}
