// The ONNX writer and the minimal reader serving uses.
export { writeOnnx, type WriteOnnxOptions, type MetadataValue } from './write.js';
export { readOnnxMetadata, readOnnxInitializer, type InitializerTensor } from './read.js';
export { ONNX_INPUT, ONNX_OUTPUTS, type Weights } from './lower.js';
export { OSTEON_KEYS, OSTEON_FORMAT_VERSION } from './metadata-keys.js';
