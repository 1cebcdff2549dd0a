/**
 * DICOM RLE Lossless (PS3.5 Annex G): each frame is a 64-byte header (segment count, then up to 15
 * segment offsets) followed by PackBits segments, one per byte plane: for every sample, its most
 * significant byte first.
 */

export interface RleFrameLayout {
  width: number;
  height: number;
  samplesPerPixel: number;
  /** 8, 16 or 32. */
  bitsAllocated: number;
}

const HEADER_BYTES = 64;

/** Decodes one RLE frame into little-endian, pixel-interleaved bytes (as native pixel data would hold them). */
export function decodeRleFrame(frame: Uint8Array, layout: RleFrameLayout): Uint8Array {
  if (frame.length < HEADER_BYTES) throw new Error(`RLE frame of ${frame.length} bytes is shorter than its 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segmentCount = view.getUint32(0, true);
  const bytesPerSample = layout.bitsAllocated / 8;
  const expectedSegments = layout.samplesPerPixel * bytesPerSample;
  if (segmentCount !== expectedSegments) {
    throw new Error(`RLE frame has ${segmentCount} segments, expected ${expectedSegments} for this pixel layout`);
  }
  const pixelCount = layout.width * layout.height;
  const bytesPerPixel = expectedSegments;
  const out = new Uint8Array(pixelCount * bytesPerPixel);
  for (let segment = 0; segment < segmentCount; segment++) {
    const start = view.getUint32(4 + segment * 4, true);
    const end = segment + 1 < segmentCount ? view.getUint32(8 + segment * 4, true) : frame.length;
    if (start < HEADER_BYTES || end > frame.length || start > end) throw new Error(`RLE segment ${segment} lies outside the frame`);
    const sample = Math.floor(segment / bytesPerSample);
    // segment 0 of a sample holds its most significant byte, which sits last in little-endian order
    const byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
    unpackBits(frame.subarray(start, end), out, sample * bytesPerSample + byteInSample, bytesPerPixel, pixelCount);
  }
  return out;
}

/** PackBits: a control byte n; 0..127 copies n+1 literal bytes, -1..-127 repeats the next byte 1-n times. */
function unpackBits(input: Uint8Array, out: Uint8Array, firstIndex: number, stride: number, count: number): void {
  let produced = 0;
  let at = 0;
  let index = firstIndex;
  while (produced < count && at < input.length) {
    const control = (input[at++]! << 24) >> 24;
    if (control >= 0) {
      const n = Math.min(control + 1, count - produced, input.length - at);
      for (let i = 0; i < n; i++, index += stride) out[index] = input[at + i]!;
      at += control + 1;
      produced += n;
    } else if (control !== -128) {
      const value = input[at++]!;
      const n = Math.min(1 - control, count - produced);
      for (let i = 0; i < n; i++, index += stride) out[index] = value;
      produced += n;
    }
  }
  if (produced < count) throw new Error(`RLE segment ends after ${produced} of ${count} pixels`);
}

/** Encodes little-endian, pixel-interleaved bytes as one RLE frame (used to write test and export files). */
export function encodeRleFrame(pixels: Uint8Array, layout: RleFrameLayout): Uint8Array {
  const bytesPerSample = layout.bitsAllocated / 8;
  const bytesPerPixel = layout.samplesPerPixel * bytesPerSample;
  const pixelCount = layout.width * layout.height;
  const segments: Uint8Array[] = [];
  for (let sample = 0; sample < layout.samplesPerPixel; sample++) {
    for (let significance = bytesPerSample - 1; significance >= 0; significance--) {
      const plane = new Uint8Array(pixelCount);
      for (let i = 0; i < pixelCount; i++) plane[i] = pixels[i * bytesPerPixel + sample * bytesPerSample + significance]!;
      segments.push(packBits(plane, layout.width));
    }
  }
  const total = HEADER_BYTES + segments.reduce((sum, s) => sum + s.length, 0);
  const frame = new Uint8Array(total);
  const view = new DataView(frame.buffer);
  view.setUint32(0, segments.length, true);
  let offset = HEADER_BYTES;
  segments.forEach((segment, i) => {
    view.setUint32(4 + i * 4, offset, true);
    frame.set(segment, offset);
    offset += segment.length;
  });
  return frame;
}

/** PackBits, row by row (runs must not cross rows), padded to an even length. */
function packBits(plane: Uint8Array, rowLength: number): Uint8Array {
  const out: number[] = [];
  for (let rowStart = 0; rowStart < plane.length; rowStart += rowLength) {
    const row = plane.subarray(rowStart, rowStart + rowLength);
    let i = 0;
    while (i < row.length) {
      let run = 1;
      while (i + run < row.length && run < 128 && row[i + run] === row[i]) run++;
      if (run >= 2) {
        out.push(1 - run + 256, row[i]!);
        i += run;
        continue;
      }
      const literalStart = i;
      while (i < row.length && i - literalStart < 128 && !(i + 1 < row.length && row[i + 1] === row[i])) i++;
      if (i === literalStart) i++;
      out.push(i - literalStart - 1);
      for (let j = literalStart; j < i; j++) out.push(row[j]!);
    }
  }
  if (out.length % 2 === 1) out.push(0x80); // -128 is a no-op control byte
  return Uint8Array.from(out);
}
