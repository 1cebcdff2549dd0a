import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeJpeg2000, encodeJpegLossless, encodeJpegLs } from '../../../test/helpers/dicom-codecs.js';
import { decodeImage } from '../decode.js';
import type { DecodedImage } from '../types.js';
import { writeDicom, type DicomImageSpec } from './dicom-write.js';
import { decodeRleFrame, encodeRleFrame } from './rle.js';
import { TransferSyntax } from './transfer-syntax.js';

const DICOM_DIR = '../shared/datasets/dicom';
const W = 24;
const H = 16;

/** A 12-bit ramp with a bright square: stored values 0..4095. */
function ramp12(): Uint16Array {
  const pixels = new Uint16Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) pixels[y * W + x] = x >= 8 && x < 16 && y >= 4 && y < 12 ? 4000 : x * 150 + y * 3;
  return pixels;
}

/** The window that maps 0..4095 straight onto the output range, so decoded values can be predicted. */
const FULL_WINDOW = { windowCenter: 2048, windowWidth: 4096 };

function expectedGrey(stored: number, center = 2048, width = 4096): number {
  const level = Math.min(1, Math.max(0, (stored - (center - 0.5)) / (width - 1) + 0.5));
  return Math.round(level * 65535);
}

function spec12(extra: Partial<DicomImageSpec> = {}): DicomImageSpec {
  return { width: W, height: H, bitsAllocated: 16, bitsStored: 12, pixels: ramp12(), ...FULL_WINDOW, ...extra };
}

async function decodeError(bytes: Uint8Array): Promise<{ code: string; message: string }> {
  const error = await decodeImage(bytes).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error, 'decoding should fail').toBeDefined();
  return error!;
}

function regionMean(image: DecodedImage, x0: number, x1: number, y0: number, y1: number): number {
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += image.pixels[y * image.width + x]!;
  return sum / ((x1 - x0) * (y1 - y0));
}

describe('DICOM: the NEMA radiographs', () => {
  const read = (name: string) => decodeImage(fs.readFileSync(`${DICOM_DIR}/${name}.dcm`));

  it('decodes lossless JPEG 2000 at full size, MONOCHROME1 inverted so bone is bright', async () => {
    const image = await read('RG3_J2KR');
    expect([image.format, image.width, image.height, image.bitsStored]).toEqual(['dicom', 1760, 1760, 16]);
    expect(image.metadata).toMatchObject({ patientId: '11RG3', modality: 'CR', bodyPart: 'EXTREMITY', view: 'AP', laterality: 'R' });
    expect(image.metadata.sopInstanceUid).toMatch(/^1\.3\.6\.1\.4\.1\.5962\./);
    // measured on this file: air beside the leg is dark, the tibial shaft and the talus are bright
    const air = regionMean(image, 480, 560, 200, 600);
    const tibia = regionMean(image, 760, 960, 200, 600);
    const talus = regionMean(image, 700, 950, 1450, 1650);
    expect(air).toBeLessThan(0.15 * 65535);
    expect(tibia).toBeGreaterThan(0.6 * 65535);
    expect(talus).toBeGreaterThan(0.65 * 65535);
  });

  it('gives nearly the same picture from lossy and lossless JPEG 2000', async () => {
    const [lossless, lossy] = await Promise.all([read('RG3_J2KR'), read('RG3_J2KI')]);
    expect([lossy.width, lossy.height]).toEqual([1760, 1760]);
    let sum = 0;
    for (let i = 0; i < lossless.pixels.length; i++) sum += Math.abs(lossless.pixels[i]! - lossy.pixels[i]!);
    const meanDifference = sum / lossless.pixels.length / 65535;
    expect(meanDifference).toBeGreaterThan(0); // really lossy: not the same file twice
    expect(meanDifference).toBeLessThan(0.005);
  });

  it('decodes the 15-bit chest radiograph', async () => {
    const image = await read('RG1_J2KI');
    expect([image.width, image.height, image.metadata.bodyPart]).toEqual([1841, 1955, 'CHEST']);
    // the spine (centre column) is brighter than the lung fields either side
    const spine = regionMean(image, 880, 960, 600, 1000);
    const lung = regionMean(image, 450, 650, 600, 1000);
    expect(spine).toBeGreaterThan(lung);
  });
});

describe('DICOM: transfer syntaxes', () => {
  const stored = ramp12();
  const expected = Array.from(stored, (v) => expectedGrey(v));

  it.each(['explicit', 'implicit', 'deflated', 'rle'] as const)('reads %s little endian exactly', async (encoding) => {
    const image = await decodeImage(writeDicom(spec12({ encoding })));
    expect([image.width, image.height, image.bitsStored]).toEqual([W, H, 16]);
    expect(Array.from(image.pixels)).toEqual(expected);
  });

  it('reads a bare dataset without the Part 10 header as implicit VR', async () => {
    const file = writeDicom(spec12({ encoding: 'implicit' }));
    // drop preamble, DICM and the meta group: the dataset starts at the first 0008 element
    const datasetStart = Buffer.from(file).indexOf(Buffer.from([0x08, 0x00, 0x16, 0x00]));
    const image = await decodeImage(file.subarray(datasetStart));
    expect(Array.from(image.pixels)).toEqual(expected);
  });

  it('reads JPEG 2000, JPEG-LS and lossless JPEG exactly', async () => {
    const cases = [
      { uid: TransferSyntax.Jpeg2000Lossless, frame: await encodeJpeg2000(stored, W, H, 12) },
      { uid: TransferSyntax.JpegLsLossless, frame: await encodeJpegLs(stored, W, H, 12) },
      { uid: TransferSyntax.JpegLosslessSv1, frame: encodeJpegLossless(stored, W, H, 12) },
      { uid: TransferSyntax.JpegLossless, frame: encodeJpegLossless(stored, W, H, 12) },
    ];
    for (const { uid, frame } of cases) {
      const image = await decodeImage(writeDicom(spec12({ encoding: { transferSyntaxUid: uid, encapsulatedFrames: [frame] } })));
      expect(Array.from(image.pixels), uid).toEqual(expected);
    }
  });

  it('reads baseline JPEG (8-bit)', async () => {
    const grey8 = Uint8Array.from(stored, (v) => v >> 4);
    const jpeg = await sharp(grey8, { raw: { width: W, height: H, channels: 1 } }).jpeg({ quality: 100 }).toBuffer();
    const image = await decodeImage(
      writeDicom({
        width: W,
        height: H,
        bitsAllocated: 8,
        windowCenter: 128,
        windowWidth: 256,
        encoding: { transferSyntaxUid: TransferSyntax.JpegBaseline, encapsulatedFrames: [jpeg] },
      }),
    );
    expect(image.bitsStored).toBe(8);
    let error = 0;
    for (let i = 0; i < grey8.length; i++) error += Math.abs(image.pixels[i]! - Math.round(((grey8[i]! - 127.5) / 255 + 0.5) * 255));
    expect(error / grey8.length).toBeLessThan(2);
  });

  it('uses the first frame of a multi-frame file and says so', async () => {
    const two = new Uint16Array(W * H * 2);
    two.set(stored, 0);
    two.fill(4095, W * H);
    for (const encoding of ['explicit', 'rle'] as const) {
      const image = await decodeImage(writeDicom(spec12({ pixels: two, numberOfFrames: 2, encoding })));
      expect(Array.from(image.pixels)).toEqual(expected);
      expect(image.warnings.join(' ')).toMatch(/2 frames.*first frame/);
    }
  });
});

describe('DICOM: grey levels', () => {
  it('inverts MONOCHROME1 so that low stored values become white', async () => {
    const mono2 = await decodeImage(writeDicom(spec12()));
    const mono1 = await decodeImage(writeDicom(spec12({ photometricInterpretation: 'MONOCHROME1' })));
    for (let i = 0; i < mono1.pixels.length; i++) expect(mono1.pixels[i]).toBe(65535 - mono2.pixels[i]!);
    expect(mono1.pixels[0]).toBe(65535 - expectedGrey(0));
  });

  it('applies rescale slope and intercept before the window', async () => {
    // stored 0..4095 -> -1024..3071 (CT-like units); the window given in those units
    const image = await decodeImage(writeDicom(spec12({ rescaleSlope: 1, rescaleIntercept: -1024, windowCenter: 1024, windowWidth: 4096 })));
    expect(Array.from(image.pixels)).toEqual(Array.from(ramp12(), (v) => expectedGrey(v - 1024, 1024, 4096)));
    const doubled = await decodeImage(writeDicom(spec12({ rescaleSlope: 2, rescaleIntercept: 0, windowCenter: 4096, windowWidth: 8192 })));
    expect(Array.from(doubled.pixels)).toEqual(Array.from(ramp12(), (v) => expectedGrey(2 * v, 4096, 8192)));
  });

  it('applies a narrow window: values beyond it clip to black and white', async () => {
    const image = await decodeImage(writeDicom(spec12({ windowCenter: 1000, windowWidth: 400 })));
    const pixels = ramp12();
    for (let i = 0; i < pixels.length; i++) {
      const v = pixels[i]!;
      if (v < 800) expect(image.pixels[i]).toBe(0);
      if (v > 1200) expect(image.pixels[i]).toBe(65535);
    }
    expect(image.pixels[6]).toBe(expectedGrey(900, 1000, 400)); // x=6, y=0: stored 900
  });

  it('applies a VOI LUT in preference to the window', async () => {
    // a LUT that maps stored values 0..4095 to 4095 - value (an inverting curve), 12-bit output
    const data = Uint16Array.from({ length: 4096 }, (_, i) => 4095 - i);
    const image = await decodeImage(writeDicom(spec12({ voiLut: { firstMapped: 0, bits: 12, data } })));
    const pixels = ramp12();
    for (let i = 0; i < pixels.length; i++) expect(image.pixels[i]).toBe(Math.round(((4095 - pixels[i]!) / 4095) * 65535));
  });

  it('falls back to a 0.5-99.5 percentile window when the file has none', async () => {
    // 1000 pixels: 4 outliers at each end must not set the range
    const pixels = Uint16Array.from({ length: 1000 }, (_, i) => (i < 4 ? 0 : i >= 996 ? 4095 : 1000 + i));
    const image = await decodeImage(writeDicom({ width: 100, height: 10, bitsAllocated: 16, bitsStored: 12, pixels }));
    expect(image.pixels[0]).toBe(0);
    expect(image.pixels[999]).toBe(65535);
    expect(image.pixels[500]).toBeGreaterThan(0.4 * 65535);
    expect(image.pixels[500]).toBeLessThan(0.6 * 65535);
  });

  it('reads signed 16-bit pixels', async () => {
    const signed = Int16Array.from({ length: W * H }, (_, i) => i * 10 - 1000);
    const image = await decodeImage(
      writeDicom({ width: W, height: H, bitsAllocated: 16, pixelRepresentation: 1, pixels: signed, windowCenter: 0, windowWidth: 4000 }),
    );
    for (let i = 0; i < signed.length; i++) expect(image.pixels[i]).toBe(expectedGrey(signed[i]!, 0, 4000));
  });

  it('masks bits above bits stored (overlay bits in old files)', async () => {
    const dirty = ramp12().map((v) => v | 0xf000);
    const image = await decodeImage(writeDicom(spec12({ pixels: dirty })));
    expect(Array.from(image.pixels)).toEqual(Array.from(ramp12(), (v) => expectedGrey(v)));
  });

  it('reads 8-bit pixel data as 8-bit grey', async () => {
    const pixels = Uint8Array.from({ length: W * H }, (_, i) => i % 256);
    const image = await decodeImage(writeDicom({ width: W, height: H, bitsAllocated: 8, pixels, windowCenter: 127.5, windowWidth: 256 }));
    expect(image.bitsStored).toBe(8);
    expect(image.pixels).toBeInstanceOf(Uint8Array);
    expect(image.pixels[0]).toBe(0);
    expect(image.pixels[255]).toBe(255);
  });
});

describe('DICOM: metadata and errors', () => {
  it('keeps the clinical tags', async () => {
    const metadata = {
      patientId: 'P-0042',
      studyInstanceUid: '1.2.3.4',
      seriesInstanceUid: '1.2.3.4.5',
      sopInstanceUid: '1.2.3.4.5.6',
      bodyPart: 'HAND',
      view: 'PA',
      modality: 'DX',
      laterality: 'L',
    };
    const image = await decodeImage(writeDicom(spec12({ metadata })));
    expect(image.metadata).toEqual(metadata);
  });

  it('says when a file has no pixel data', async () => {
    const error = await decodeError(writeDicom(spec12({ omitPixelData: true })));
    expect(error.code).toBe('DICOM_NO_PIXEL_DATA');
    expect(error.message).toMatch(/7FE0,0010/);
  });

  it('names an unsupported transfer syntax', async () => {
    const mpeg2 = '1.2.840.10008.1.2.4.100';
    const error = await decodeError(writeDicom(spec12({ encoding: { transferSyntaxUid: mpeg2, encapsulatedFrames: [new Uint8Array(64)] } })));
    expect(error.code).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
    expect(error.message).toContain(mpeg2);
    expect(error.message).toMatch(/MPEG-2/);
  });

  it('says a cut-off file is truncated', async () => {
    const file = writeDicom(spec12());
    const error = await decodeError(file.subarray(0, file.length - 100));
    expect(error.code).toBe('TRUNCATED_IMAGE');
  });

  it('refuses an image above the pixel limit before decoding it', async () => {
    const error = await decodeImage(writeDicom(spec12()), { maxPixels: 100 }).catch((e: { code: string }) => e);
    expect((error as { code: string }).code).toBe('TOO_MANY_PIXELS');
  });

  it('reports a corrupt compressed frame as unreadable, naming the syntax', async () => {
    const junk = Uint8Array.from({ length: 200 }, (_, i) => (i * 31) % 256);
    const error = await decodeError(writeDicom(spec12({ encoding: { transferSyntaxUid: TransferSyntax.JpegLsLossless, encapsulatedFrames: [junk] } })));
    expect(error.code).toBe('UNREADABLE_IMAGE');
    expect(error.message).toMatch(/JPEG-LS/);
  });
});

describe('RLE codec', () => {
  it('round-trips 8- and 16-bit frames, runs and literals alike', () => {
    const layout16 = { width: 300, height: 5, samplesPerPixel: 1, bitsAllocated: 16 };
    const pixels16 = Uint16Array.from({ length: 1500 }, (_, i) => (i % 300 < 150 ? 1234 : (i * 7919) % 65536));
    const bytes16 = new Uint8Array(pixels16.buffer);
    const encoded = encodeRleFrame(bytes16, layout16);
    expect(encoded.length).toBeLessThan(bytes16.length); // runs really compress
    expect(Array.from(decodeRleFrame(encoded, layout16))).toEqual(Array.from(bytes16));

    const layout8 = { width: 7, height: 3, samplesPerPixel: 1, bitsAllocated: 8 };
    const pixels8 = Uint8Array.from([1, 1, 1, 2, 3, 4, 4, 255, 255, 0, 9, 8, 7, 6, 5, 5, 5, 5, 5, 5, 5]);
    expect(Array.from(decodeRleFrame(encodeRleFrame(pixels8, layout8), layout8))).toEqual(Array.from(pixels8));
  });

  it('rejects a frame whose segments do not match the layout', () => {
    const frame = encodeRleFrame(new Uint8Array(16), { width: 4, height: 4, samplesPerPixel: 1, bitsAllocated: 8 });
    expect(() => decodeRleFrame(frame, { width: 4, height: 2, samplesPerPixel: 1, bitsAllocated: 16 })).toThrow(/segments/);
    expect(() => decodeRleFrame(frame.subarray(0, 66), { width: 4, height: 4, samplesPerPixel: 1, bitsAllocated: 8 })).toThrow(/ends after/);
  });
});
