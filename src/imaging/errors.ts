import { OsteonError } from '../errors.js';

/** Stable codes of the decoding errors; importers and the API report them per file. */
export const ImagingErrorCode = {
  EMPTY_FILE: 'EMPTY_FILE',
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  UNREADABLE_IMAGE: 'UNREADABLE_IMAGE',
  TRUNCATED_IMAGE: 'TRUNCATED_IMAGE',
  TOO_MANY_PIXELS: 'TOO_MANY_PIXELS',
  DICOM_NO_PIXEL_DATA: 'DICOM_NO_PIXEL_DATA',
  UNSUPPORTED_TRANSFER_SYNTAX: 'UNSUPPORTED_TRANSFER_SYNTAX',
} as const;

export type ImagingErrorCode = (typeof ImagingErrorCode)[keyof typeof ImagingErrorCode];

export function tooManyPixels(width: number, height: number, maxPixels: number): OsteonError {
  const megapixels = ((width * height) / 1e6).toFixed(1);
  return new OsteonError(
    ImagingErrorCode.TOO_MANY_PIXELS,
    `Image is ${width}x${height} (${megapixels} megapixels), above the limit of ${(maxPixels / 1e6).toFixed(1)} megapixels; ` +
      'downscale it before importing, or raise the pixel limit if the file is trusted.',
    { width, height, maxPixels },
  );
}

export function truncatedImage(format: string, detail: string): OsteonError {
  return new OsteonError(
    ImagingErrorCode.TRUNCATED_IMAGE,
    `The ${format.toUpperCase()} file is truncated (${detail}); re-export or re-copy the complete file.`,
    { format },
  );
}

export function unreadableImage(format: string, detail: string): OsteonError {
  return new OsteonError(
    ImagingErrorCode.UNREADABLE_IMAGE,
    `The ${format.toUpperCase()} file could not be decoded (${detail}); check that it is a valid, complete image.`,
    { format },
  );
}
