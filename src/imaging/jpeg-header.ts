/** What a JPEG's frame header says about its pixels. */
export interface JpegFrame {
  width: number;
  height: number;
  /** Sample precision in bits. */
  precision: number;
  /** Colour components: 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  components: number;
  /** The start-of-frame marker's code, 0xc0 baseline, 0xc1 extended, 0xc2 progressive, etc. */
  marker: number;
}

/** SOF0-SOF15 except DHT (c4), JPG (c8) and DAC (cc), which share the range. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Markers without a length field: TEM and RST0-7 (SOI and EOI never occur before the frame header). */
const isStandalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);

/**
 * Reads the frame header (SOFn) of a JPEG by walking its marker segments, without decoding anything: a
 * metadata call to the image library costs as much as decoding a small radiograph. Undefined when the
 * bytes do not lead to a well-formed frame header before the scan starts.
 */
export function readJpegFrame(bytes: Uint8Array): JpegFrame | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    let marker = bytes[at + 1]!;
    // Any number of 0xff fill bytes may precede a marker.
    while (marker === 0xff && at + 2 < bytes.length) marker = bytes[++at + 1]!;
    at += 2;
    if (isStandalone(marker)) continue;
    if (marker === 0xda || marker === 0xd9 || marker === 0xd8 || at + 2 > bytes.length) return undefined;
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    if (length < 2 || at + length > bytes.length) return undefined;
    if (isStartOfFrame(marker)) {
      if (length < 8) return undefined;
      const components = bytes[at + 7]!;
      if (length !== 8 + 3 * components) return undefined;
      return {
        precision: bytes[at + 2]!,
        height: (bytes[at + 3]! << 8) | bytes[at + 4]!,
        width: (bytes[at + 5]! << 8) | bytes[at + 6]!,
        components,
        marker,
      };
    }
    at += length;
  }
  return undefined;
}
