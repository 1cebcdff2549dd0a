import { createRequire } from 'node:module';
import type { DataSet, Element } from 'dicom-parser';
import { OsteonError } from '../../errors.js';
import { ImagingErrorCode, tooManyPixels, truncatedImage, unreadableImage } from '../errors.js';
import { luma } from '../luma.js';
import { sniffFormat } from '../sniff.js';
import type { DecodedImage, DecodeLimits, ImageDecoder, RadiographMetadata } from '../types.js';
import { DEFAULT_PERCENTILE_WINDOW, readStoredValues, toGreyLevels, type VoiTransform } from './grey-levels.js';
import { decodeCompressedFrame, interleavePlanes, type FrameLayout, type RawFrame } from './pixel-codecs.js';
import { pixelEncoding, supportedTransferSyntaxes, TransferSyntax, transferSyntaxName, type PixelEncoding } from './transfer-syntax.js';

// dicom-parser is a UMD bundle whose named exports Node's ESM loader cannot see
const dicomParser = createRequire(import.meta.url)('dicom-parser') as typeof import('dicom-parser');

const PIXEL_DATA = 'x7fe00010';

function parse(bytes: Uint8Array): DataSet {
  const hasPreamble = sniffFormat(bytes.subarray(0, 132)) === 'dicom' && bytes[128] === 0x44;
  try {
    // files without the Part 10 header carry no transfer syntax; the bare ones Osteon accepts are implicit VR
    return dicomParser.parseDicom(bytes, hasPreamble ? {} : { TransferSyntaxUID: TransferSyntax.ImplicitVrLittleEndian });
  } catch (error) {
    const inner = (error as { exception?: unknown })?.exception ?? error;
    const message = inner instanceof Error ? inner.message : String(inner);
    if (/overrun|overread|beyond|end of buffer|past the end|out of range|premature/i.test(message)) throw truncatedImage('dicom', message);
    throw unreadableImage('dicom', message);
  }
}

function text(dataSet: DataSet, tag: string): string | undefined {
  const value = dataSet.string(tag)?.trim();
  return value ? value : undefined;
}

function readMetadata(dataSet: DataSet): RadiographMetadata {
  const entries: [keyof RadiographMetadata, string][] = [
    ['patientId', 'x00100020'],
    ['studyInstanceUid', 'x0020000d'],
    ['seriesInstanceUid', 'x0020000e'],
    ['sopInstanceUid', 'x00080018'],
    ['bodyPart', 'x00180015'],
    ['view', 'x00185101'],
    ['modality', 'x00080060'],
    ['laterality', 'x00200062'],
  ];
  const metadata: RadiographMetadata = {};
  for (const [key, tag] of entries) {
    const value = text(dataSet, tag);
    if (value !== undefined) metadata[key] = value;
  }
  // Image Laterality is preferred; Laterality (of the series) is the fallback
  metadata.laterality ??= text(dataSet, 'x00200060');
  if (metadata.laterality === undefined) delete metadata.laterality;
  return metadata;
}

function readVoi(dataSet: DataSet, signed: boolean): VoiTransform {
  const lutItem = dataSet.elements.x00283010?.items?.[0]?.dataSet;
  const descriptor = lutItem?.elements.x00283002;
  const data = lutItem?.elements.x00283006;
  if (lutItem && descriptor && data) {
    const entries = lutItem.uint16('x00283002', 0) || 65536;
    const rawFirst = lutItem.uint16('x00283002', 1) ?? 0;
    const firstMapped = signed && rawFirst >= 0x8000 ? rawFirst - 0x10000 : rawFirst;
    const bits = lutItem.uint16('x00283002', 2) ?? 16;
    const table = new Uint16Array(entries);
    const packedBytes = bits <= 8 && data.length === entries;
    for (let i = 0; i < entries; i++) {
      table[i] = packedBytes
        ? lutItem.byteArray[data.dataOffset + i]!
        : lutItem.byteArrayParser.readUint16(lutItem.byteArray, data.dataOffset + i * 2);
    }
    return { kind: 'lut', firstMapped, bits, table };
  }
  const center = dataSet.floatString('x00281050', 0);
  const width = dataSet.floatString('x00281051', 0);
  if (center !== undefined && width !== undefined && Number.isFinite(center) && width > 0) {
    const fn = text(dataSet, 'x00281056')?.toUpperCase();
    const windowFunction = fn === 'SIGMOID' || fn === 'LINEAR_EXACT' ? fn : 'LINEAR';
    return { kind: 'window', center, width, function: windowFunction };
  }
  return DEFAULT_PERCENTILE_WINDOW;
}

function firstFrameBytes(dataSet: DataSet, pixelData: Element, encoding: PixelEncoding, frameBytes: number, frames: number): Uint8Array {
  if (pixelData.dataOffset + pixelData.length > dataSet.byteArray.length) {
    throw truncatedImage('dicom', `pixel data needs ${pixelData.length} bytes, ${dataSet.byteArray.length - pixelData.dataOffset} present`);
  }
  if (!pixelData.encapsulatedPixelData) {
    if (encoding !== 'native' && encoding !== 'native-big-endian') {
      throw unreadableImage('dicom', `the transfer syntax is compressed but the pixel data is not encapsulated`);
    }
    if (pixelData.length < frameBytes) throw truncatedImage('dicom', `pixel data holds ${pixelData.length} of ${frameBytes} bytes`);
    return dataSet.byteArray.subarray(pixelData.dataOffset, pixelData.dataOffset + frameBytes);
  }
  const fragments = pixelData.fragments ?? [];
  if (fragments.length === 0) throw new OsteonError(ImagingErrorCode.DICOM_NO_PIXEL_DATA, 'The DICOM pixel data holds no fragments; the file carries no image.');
  if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, fragments.length);
  if ((pixelData.basicOffsetTable ?? []).length > 0) return dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, 0);
  if (fragments.length === frames) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, 1);
  if (encoding === 'jpeg-baseline' || encoding === 'jpeg-lossless') {
    const table = dicomParser.createJPEGBasicOffsetTable(dataSet, pixelData);
    return dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, 0, table);
  }
  return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, 1);
}

/** One grey channel of stored values from a raw frame of any photometric interpretation. */
function greyStoredValues(frame: RawFrame, photometric: string, bitsStored: number, signed: boolean, bigEndian: boolean): {
  stored: Int32Array;
  colour: boolean;
} {
  const count = frame.bytes.length / frame.bytesPerSample / frame.samplesPerPixel;
  if (frame.samplesPerPixel === 1) {
    return { stored: readStoredValues(frame.bytes, count, frame.bytesPerSample, bitsStored, signed, 1, bigEndian), colour: false };
  }
  // colour radiographs are rare (screenshots, photographs of films): luminance is what matters
  if (frame.colour !== 'RGB' && photometric.startsWith('YBR')) {
    return { stored: readStoredValues(frame.bytes, count, frame.bytesPerSample, bitsStored, false, frame.samplesPerPixel, bigEndian), colour: true };
  }
  const samples = readStoredValues(frame.bytes, count * frame.samplesPerPixel, frame.bytesPerSample, bitsStored, false, 1, bigEndian);
  const grey = luma(Uint16Array.from(samples), frame.samplesPerPixel);
  return { stored: Int32Array.from(grey), colour: true };
}

/**
 * DICOM radiographs: native (implicit, explicit, deflated, big endian), JPEG baseline and lossless,
 * JPEG-LS, JPEG 2000 and RLE pixel data. Applies rescale, the VOI LUT or window (else a 0.5-99.5%
 * percentile window) and MONOCHROME1 inversion; keeps the first frame of multi-frame files.
 */
export const dicomDecoder: ImageDecoder = {
  name: 'dicom',

  canDecode(head: Uint8Array): boolean {
    return sniffFormat(head) === 'dicom';
  },

  async decode(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage> {
    const dataSet = parse(bytes);
    const metadata = readMetadata(dataSet);
    const transferSyntaxUid = text(dataSet, 'x00020010') ?? TransferSyntax.ImplicitVrLittleEndian;
    const pixelData = dataSet.elements[PIXEL_DATA];
    if (!pixelData) {
      throw new OsteonError(
        ImagingErrorCode.DICOM_NO_PIXEL_DATA,
        'The DICOM file has no pixel data (7FE0,0010): it is likely a structured report, a presentation state or a header-only file; import the image instances instead.',
        { sopClassUid: text(dataSet, 'x00080016') },
      );
    }
    const encoding = pixelEncoding(transferSyntaxUid);
    if (!encoding) {
      throw new OsteonError(
        ImagingErrorCode.UNSUPPORTED_TRANSFER_SYNTAX,
        `The DICOM transfer syntax ${transferSyntaxUid} (${transferSyntaxName(transferSyntaxUid)}) is not supported; ` +
          'convert the file to an uncompressed, JPEG, JPEG-LS, JPEG 2000 or RLE syntax (e.g. with dcmconv or gdcmconv).',
        { transferSyntaxUid, supported: supportedTransferSyntaxes() },
      );
    }

    const width = dataSet.uint16('x00280011') ?? 0;
    const height = dataSet.uint16('x00280010') ?? 0;
    if (width === 0 || height === 0) throw unreadableImage('dicom', `rows and columns are missing or zero (${height}x${width})`);
    if (width * height > limits.maxPixels) throw tooManyPixels(width, height, limits.maxPixels);
    const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
    const bitsAllocated = dataSet.uint16('x00280100') ?? 16;
    const bitsStored = dataSet.uint16('x00280101') ?? bitsAllocated;
    const signed = dataSet.uint16('x00280103') === 1;
    const photometric = (text(dataSet, 'x00280004') ?? 'MONOCHROME2').toUpperCase();
    const frames = Math.max(1, dataSet.intString('x00280008') ?? 1);
    if (![8, 16, 32].includes(bitsAllocated)) throw unreadableImage('dicom', `${bitsAllocated} bits allocated per sample is not supported`);

    const warnings: string[] = [];
    if (frames > 1) warnings.push(`multi-frame DICOM (${frames} frames): the first frame was used`);
    const layout: FrameLayout = { width, height, samplesPerPixel, bitsAllocated };
    const bytesPerSample = (bitsAllocated / 8) as 1 | 2 | 4;
    const frameBytes = width * height * samplesPerPixel * bytesPerSample;
    const encoded = firstFrameBytes(dataSet, pixelData, encoding, frameBytes, frames);

    let frame: RawFrame;
    if (encoding === 'native' || encoding === 'native-big-endian') {
      const planar = samplesPerPixel > 1 && dataSet.uint16('x00280006') === 1;
      frame = { bytes: planar ? interleavePlanes(encoded, samplesPerPixel, bytesPerSample) : encoded, bytesPerSample, samplesPerPixel };
    } else {
      try {
        frame = await decodeCompressedFrame(encoding, encoded, layout);
      } catch (error) {
        if (error instanceof OsteonError) throw error;
        // C++ exceptions thrown inside the WASM codecs arrive as bare numbers (pointers)
        const detail = error instanceof Error ? error.message : typeof error === 'number' ? 'the codec rejected the data' : String(error);
        throw unreadableImage('dicom', `${transferSyntaxName(transferSyntaxUid)} pixel data: ${detail}`);
      }
    }
    const precision = Math.max(bitsStored, frame.precision ?? 0);
    const { stored, colour } = greyStoredValues(frame, photometric, precision, signed, encoding === 'native-big-endian');
    const presentationInverse = text(dataSet, 'x20500020')?.toUpperCase() === 'INVERSE';
    const fullRange = 2 ** Math.min(precision, 16) - 1;
    const pixels = colour
      ? toGreyLevels(stored, {
          rescaleSlope: 1,
          rescaleIntercept: 0,
          voi: { kind: 'window', center: fullRange / 2, width: fullRange, function: 'LINEAR_EXACT' },
          invert: false,
          outputBits: 8,
        })
      : toGreyLevels(stored, {
          rescaleSlope: dataSet.floatString('x00281053') ?? 1,
          rescaleIntercept: dataSet.floatString('x00281052') ?? 0,
          voi: readVoi(dataSet, signed),
          invert: (photometric === 'MONOCHROME1') !== presentationInverse,
          outputBits: precision > 8 ? 16 : 8,
        });
    return {
      width,
      height,
      bitsStored: pixels instanceof Uint16Array ? 16 : 8,
      pixels,
      format: 'dicom',
      metadata,
      warnings,
    };
  },
};
