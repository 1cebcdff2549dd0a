import { ProtoWriter } from './protobuf.js';

/**
 * The ONNX messages Osteon writes, as plain objects, and their encoding. Field numbers are those of
 * onnx/onnx.proto (proto2, IR version 8):
 *
 *   ModelProto:             ir_version = 1, producer_name = 2, producer_version = 3, domain = 4, model_version = 5,
 *                           doc_string = 6, graph = 7, opset_import = 8, metadata_props = 14
 *   OperatorSetIdProto:     domain = 1, version = 2
 *   StringStringEntryProto: key = 1, value = 2
 *   GraphProto:             node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12,
 *                           value_info = 13
 *   NodeProto:              input = 1, output = 2, name = 3, op_type = 4, attribute = 5, doc_string = 6, domain = 7
 *   AttributeProto:         name = 1, f = 2, i = 3, s = 4, t = 5, g = 6, floats = 7, ints = 8, strings = 9,
 *                           doc_string = 13, type = 20 (AttributeType: FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4,
 *                           FLOATS = 6, INTS = 7, STRINGS = 8)
 *   TensorProto:            dims = 1, data_type = 2, float_data = 4 (packed), int32_data = 5, int64_data = 7,
 *                           name = 8, raw_data = 9, doc_string = 12, external_data = 13, data_location = 14
 *                           (DataType: FLOAT = 1, INT64 = 7; DataLocation: DEFAULT = 0, EXTERNAL = 1)
 *   ValueInfoProto:         name = 1, type = 2, doc_string = 3
 *   TypeProto:              tensor_type = 1;  TypeProto.Tensor: elem_type = 1, shape = 2
 *   TensorShapeProto:       dim = 1;  Dimension: dim_value = 1, dim_param = 2
 */
export const Field = {
  model: { irVersion: 1, producerName: 2, producerVersion: 3, domain: 4, modelVersion: 5, docString: 6, graph: 7, opsetImport: 8, metadataProps: 14 },
  opsetId: { domain: 1, version: 2 },
  stringEntry: { key: 1, value: 2 },
  graph: { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12, valueInfo: 13 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, docString: 6, domain: 7 },
  attribute: { name: 1, f: 2, i: 3, s: 4, t: 5, g: 6, floats: 7, ints: 8, strings: 9, docString: 13, type: 20 },
  tensor: { dims: 1, dataType: 2, floatData: 4, int32Data: 5, int64Data: 7, name: 8, rawData: 9, docString: 12, externalData: 13, dataLocation: 14 },
  valueInfo: { name: 1, type: 2, docString: 3 },
  type: { tensorType: 1 },
  tensorType: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dimension: { dimValue: 1, dimParam: 2 },
} as const;

export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;
export const DataType = { FLOAT: 1, INT64: 7 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** IR version 8 is what ONNX 1.12+ writes for opset 17. */
export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: DataTypeCode;
  /** Little-endian element bytes (TensorProto.raw_data). */
  raw: Uint8Array;
}

export type OnnxAttribute =
  | { name: string; type: 'int'; value: number }
  | { name: string; type: 'ints'; value: number[] }
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'string'; value: string };

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxAttribute[];
}

/** A float tensor value; a string dimension is symbolic (`dim_param`). */
export interface OnnxValueInfo {
  name: string;
  dims: (number | string)[];
  docString?: string;
}

export interface OnnxGraph {
  name: string;
  docString?: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: OnnxGraph;
  metadata: [string, string][];
}

export function encodeModel(model: OnnxModel): Uint8Array {
  const f = Field.model;
  const w = new ProtoWriter()
    .varint(f.irVersion, IR_VERSION)
    .string(f.producerName, model.producerName)
    .string(f.producerVersion, model.producerVersion);
  if (model.docString) w.string(f.docString, model.docString);
  w.message(f.graph, encodeGraph(model.graph));
  w.message(f.opsetImport, new ProtoWriter().string(Field.opsetId.domain, '').varint(Field.opsetId.version, OPSET_VERSION));
  for (const [key, value] of model.metadata) {
    w.message(f.metadataProps, new ProtoWriter().string(Field.stringEntry.key, key).string(Field.stringEntry.value, value));
  }
  return w.finish();
}

function encodeGraph(graph: OnnxGraph): ProtoWriter {
  const f = Field.graph;
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.message(f.node, encodeNode(node));
  w.string(f.name, graph.name);
  for (const tensor of graph.initializers) w.message(f.initializer, encodeTensor(tensor));
  if (graph.docString) w.string(f.docString, graph.docString);
  for (const input of graph.inputs) w.message(f.input, encodeValueInfo(input));
  for (const output of graph.outputs) w.message(f.output, encodeValueInfo(output));
  return w;
}

function encodeNode(node: OnnxNode): ProtoWriter {
  const f = Field.node;
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(f.input, input);
  for (const output of node.outputs) w.string(f.output, output);
  w.string(f.name, node.name).string(f.opType, node.opType);
  for (const attribute of node.attributes ?? []) w.message(f.attribute, encodeAttribute(attribute));
  return w;
}

function encodeAttribute(attribute: OnnxAttribute): ProtoWriter {
  const f = Field.attribute;
  const w = new ProtoWriter().string(f.name, attribute.name);
  switch (attribute.type) {
    case 'int':
      return w.varint(f.i, attribute.value).varint(f.type, AttributeType.INT);
    case 'ints':
      // `ints` is a non-packed repeated field in onnx.proto (proto2 default); parsers accept both, write it plainly.
      for (const v of attribute.value) w.varint(f.ints, v);
      return w.varint(f.type, AttributeType.INTS);
    case 'float':
      return w.float(f.f, attribute.value).varint(f.type, AttributeType.FLOAT);
    case 'string':
      return w.string(f.s, attribute.value).varint(f.type, AttributeType.STRING);
  }
}

export function encodeTensor(tensor: OnnxTensor): ProtoWriter {
  const f = Field.tensor;
  const w = new ProtoWriter();
  for (const d of tensor.dims) w.varint(f.dims, d);
  return w.varint(f.dataType, tensor.dataType).string(f.name, tensor.name).bytes(f.rawData, tensor.raw);
}

function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of info.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'string') dim.string(Field.dimension.dimParam, d);
    else dim.varint(Field.dimension.dimValue, d);
    shape.message(Field.shape.dim, dim);
  }
  const tensorType = new ProtoWriter().varint(Field.tensorType.elemType, DataType.FLOAT).message(Field.tensorType.shape, shape);
  const w = new ProtoWriter()
    .string(Field.valueInfo.name, info.name)
    .message(Field.valueInfo.type, new ProtoWriter().message(Field.type.tensorType, tensorType));
  if (info.docString) w.string(Field.valueInfo.docString, info.docString);
  return w;
}
