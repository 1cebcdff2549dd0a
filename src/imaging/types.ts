/**
 * What every decoder returns: one grey-scale radiograph, windowed to 8 or 16 bits, bone bright.
 * Colour inputs (rare for radiographs) are converted to grey by the decoder.
 */
export interface DecodedImage {
  width: number;
  height: number;
  /** Bits per pixel of `pixels`: 8 (Uint8Array) or 16 (Uint16Array). */
  bitsStored: 8 | 16;
  /** Row-major grey pixels, length width * height; 0 is black, max is white (bone). */
  pixels: Uint8Array | Uint16Array;
  /** Detected container format, e.g. `jpeg`, `png`, `gif`, `webp`, `tiff`, `bmp`, `dicom`. */
  format: string;
  /** Clinical tags when the file carries them (DICOM); absent otherwise. */
  metadata: RadiographMetadata;
  /** Things the user should know but that did not stop decoding (e.g. "multi-frame: first frame used"). */
  warnings: string[];
}

export interface RadiographMetadata {
  patientId?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  bodyPart?: string;
  view?: string;
  modality?: string;
  laterality?: string;
}

/** A decoder for one family of formats; decoders are picked by sniffing content, never by file name. */
export interface ImageDecoder {
  readonly name: string;
  /** True when the first bytes say this decoder can read the file. */
  canDecode(head: Uint8Array): boolean;
  decode(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage>;
}

export interface DecodeLimits {
  /** Images with more pixels are rejected before decoding (decompression bombs). Default 50 megapixels. */
  maxPixels: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxPixels: 50_000_000 };

/**
 * How an image becomes a network input. Carried inside every exported model, so serving preprocesses
 * exactly as training did.
 */
export interface PreprocessSpec {
  /** Square input side in pixels. */
  size: number;
  /** 1 = grey; 3 = grey repeated to RGB (for ImageNet-initialised models). */
  channels: 1 | 3;
  /** Per-channel mean and std applied after scaling pixels to [0, 1]. */
  mean: number[];
  std: number[];
  /**
   * `letterbox`: keep aspect ratio, pad with black to a square (default; radiographs vary in shape).
   * `stretch`: resize to size x size ignoring aspect. `center-crop`: shorter side to size, crop the centre.
   */
  resize: 'letterbox' | 'stretch' | 'center-crop';
}
