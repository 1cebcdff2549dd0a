export * from './types.js';
export { decodeImage, findDecoder } from './decode.js';
export { ImagingErrorCode } from './errors.js';
export { sniffFormat, type ImageFormat } from './sniff.js';
