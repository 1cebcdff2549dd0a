import { OsteonError } from '../errors.js';
import { bmpDecoder } from './bmp-decoder.js';
import { dicomDecoder } from './dicom/dicom-decoder.js';
import { ImagingErrorCode } from './errors.js';
import { rasterDecoder } from './raster-decoder.js';
import { describeUnknownHead, SNIFF_BYTES } from './sniff.js';
import { DEFAULT_DECODE_LIMITS, type DecodedImage, type DecodeLimits, type ImageDecoder } from './types.js';

/** Tried in order; the first whose `canDecode` accepts the leading bytes decodes the file. */
const decoders: readonly ImageDecoder[] = [rasterDecoder, bmpDecoder, dicomDecoder];

/** Picks the decoder for `bytes` by content, or undefined when no decoder recognises them. */
export function findDecoder(bytes: Uint8Array): ImageDecoder | undefined {
  const head = bytes.subarray(0, SNIFF_BYTES);
  return decoders.find((decoder) => decoder.canDecode(head));
}

/**
 * Decodes one radiograph file (JPEG, PNG, GIF, WebP, TIFF, BMP or DICOM, recognised by content) into grey
 * pixels, bone bright. Throws `OsteonError` with a specific code (`EMPTY_FILE`, `UNSUPPORTED_FORMAT`,
 * `TRUNCATED_IMAGE`, `TOO_MANY_PIXELS`, `UNREADABLE_IMAGE`, `DICOM_NO_PIXEL_DATA`,
 * `UNSUPPORTED_TRANSFER_SYNTAX`) when the file cannot be used.
 */
export async function decodeImage(bytes: Uint8Array, limits?: Partial<DecodeLimits>): Promise<DecodedImage> {
  if (bytes.length === 0) {
    throw new OsteonError(ImagingErrorCode.EMPTY_FILE, 'The file is empty (0 bytes); re-copy it from its source.');
  }
  const decoder = findDecoder(bytes);
  if (!decoder) {
    throw new OsteonError(
      ImagingErrorCode.UNSUPPORTED_FORMAT,
      `Not a supported image: ${describeUnknownHead(bytes)}; expected JPEG, PNG, GIF, WebP, TIFF, BMP or DICOM.`,
    );
  }
  return decoder.decode(bytes, { ...DEFAULT_DECODE_LIMITS, ...limits });
}
