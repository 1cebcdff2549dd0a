export * from './types.js';
export { decodeImage, findDecoder } from './decode.js';
export { ImagingErrorCode } from './errors.js';
export { sniffFormat, type ImageFormat } from './sniff.js';
export { writeDicom, newUid, type DicomImageSpec } from './dicom/dicom-write.js';
export { TransferSyntax, transferSyntaxName } from './dicom/transfer-syntax.js';
export { preprocess, validatePreprocessSpec, IMAGENET_NORMALISATION } from './preprocess.js';
export { resizeGrey, type ResizeMode } from './resize.js';
export { toPngBytes } from './png.js';
