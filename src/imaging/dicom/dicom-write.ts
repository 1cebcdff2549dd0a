import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import type { RadiographMetadata } from '../types.js';
import { encodeRleFrame } from './rle.js';
import { TransferSyntax } from './transfer-syntax.js';

/** What `writeDicom` needs: one grey frame (or several) and the few tags that describe it. */
export interface DicomImageSpec {
  width: number;
  height: number;
  bitsAllocated: 8 | 16;
  /** Defaults to bitsAllocated. */
  bitsStored?: number;
  /** 1 when samples are two's-complement signed. */
  pixelRepresentation?: 0 | 1;
  photometricInterpretation?: 'MONOCHROME1' | 'MONOCHROME2';
  /** Row-major samples of every frame, one after the other. */
  pixels?: Uint8Array | Uint16Array | Int16Array;
  numberOfFrames?: number;
  /**
   * `explicit` (default), `implicit` or `deflated` little endian, `rle`; or a compressed syntax UID whose
   * already-encoded frames are given in `encapsulatedFrames`.
   */
  encoding?: 'explicit' | 'implicit' | 'deflated' | 'rle' | { transferSyntaxUid: string; encapsulatedFrames: Uint8Array[] };
  rescaleSlope?: number;
  rescaleIntercept?: number;
  windowCenter?: number;
  windowWidth?: number;
  /** A VOI LUT (0028,3010): entries map stored values firstMapped.. to output values of `bits` bits. */
  voiLut?: { firstMapped: number; bits: number; data: Uint16Array };
  metadata?: RadiographMetadata;
  /** Leave out (7FE0,0010): for tests of files that carry no image. */
  omitPixelData?: boolean;
}

const COMPUTED_RADIOGRAPHY_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.1';
const IMPLEMENTATION_CLASS_UID = '1.2.826.0.1.3680043.10.1420.1';
const LONG_LENGTH_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'SQ', 'UT', 'UN', 'UC', 'UR']);

/** A fresh UID under the UUID-derived root 2.25 (PS3.5 B.2), needing no registered organisation root. */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString()}`;
}

interface Element {
  group: number;
  element: number;
  vr: string;
  value: Uint8Array;
  /** Undefined-length encapsulated pixel data, written with its items as `value`. */
  undefinedLength?: boolean;
}

function textValue(text: string, vr: string): Uint8Array {
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length % 2 === 0) return bytes;
  return Buffer.concat([bytes, Buffer.from([vr === 'UI' ? 0 : 0x20])]);
}

function uint16Value(...values: number[]): Uint8Array {
  const bytes = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => bytes.writeUInt16LE(v, i * 2));
  return bytes;
}

function uint32Value(value: number): Uint8Array {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}

function decimalString(value: number): string {
  return String(Number(value.toPrecision(12)));
}

function encodeElement(e: Element, explicitVr: boolean): Buffer {
  const head = Buffer.alloc(explicitVr && LONG_LENGTH_VRS.has(e.vr) ? 12 : 8);
  head.writeUInt16LE(e.group, 0);
  head.writeUInt16LE(e.element, 2);
  const length = e.undefinedLength ? 0xffffffff : e.value.length;
  if (!explicitVr) head.writeUInt32LE(length, 4);
  else {
    head.write(e.vr, 4, 'latin1');
    if (LONG_LENGTH_VRS.has(e.vr)) head.writeUInt32LE(length, 8);
    else head.writeUInt16LE(length, 6);
  }
  return Buffer.concat([head, e.value]);
}

function item(value: Uint8Array, element = 0xe000): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0xfffe, 0);
  head.writeUInt16LE(element, 2);
  head.writeUInt32LE(value.length, 4);
  return Buffer.concat([head, value]);
}

/** Encapsulated pixel data: an empty basic offset table, one fragment per frame, a sequence delimiter. */
function encapsulate(frames: Uint8Array[]): Uint8Array {
  const padded = frames.map((f) => (f.length % 2 === 0 ? f : Buffer.concat([f, Buffer.alloc(1)])));
  return Buffer.concat([item(new Uint8Array(0)), ...padded.map((f) => item(f)), item(new Uint8Array(0), 0xe0dd)]);
}

function littleEndianBytes(pixels: Uint8Array | Uint16Array | Int16Array): Uint8Array {
  return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
}

function voiLutSequence(lut: NonNullable<DicomImageSpec['voiLut']>): Uint8Array {
  const descriptor: Element = {
    group: 0x0028,
    element: 0x3002,
    vr: 'US',
    value: uint16Value(lut.data.length === 65536 ? 0 : lut.data.length, lut.firstMapped & 0xffff, lut.bits),
  };
  const data: Element = { group: 0x0028, element: 0x3006, vr: 'OW', value: littleEndianBytes(lut.data) };
  return item(Buffer.concat([encodeElement(descriptor, true), encodeElement(data, true)]));
}

/**
 * Writes a minimal DICOM Part 10 file of a computed radiograph: enough for Osteon's decoder, PACS tests
 * and exports of small fixtures. Not a general DICOM writer: no sequences besides a VOI LUT, no private tags.
 */
export function writeDicom(spec: DicomImageSpec): Uint8Array {
  const encoding = spec.encoding ?? 'explicit';
  const transferSyntaxUid =
    typeof encoding === 'object'
      ? encoding.transferSyntaxUid
      : {
          explicit: TransferSyntax.ExplicitVrLittleEndian,
          implicit: TransferSyntax.ImplicitVrLittleEndian,
          deflated: TransferSyntax.DeflatedExplicitVrLittleEndian,
          rle: TransferSyntax.RleLossless,
        }[encoding];
  const meta = spec.metadata ?? {};
  const sopInstanceUid = meta.sopInstanceUid ?? newUid();
  const frames = spec.numberOfFrames ?? 1;
  const bitsStored = spec.bitsStored ?? spec.bitsAllocated;

  const text = (group: number, element: number, vr: string, value: string | undefined): Element[] =>
    value === undefined ? [] : [{ group, element, vr, value: textValue(value, vr) }];
  const elements: Element[] = [
    ...text(0x0008, 0x0016, 'UI', COMPUTED_RADIOGRAPHY_SOP_CLASS),
    ...text(0x0008, 0x0018, 'UI', sopInstanceUid),
    ...text(0x0008, 0x0060, 'CS', meta.modality ?? 'CR'),
    ...text(0x0010, 0x0020, 'LO', meta.patientId),
    ...text(0x0018, 0x0015, 'CS', meta.bodyPart),
    ...text(0x0018, 0x5101, 'CS', meta.view),
    ...text(0x0020, 0x000d, 'UI', meta.studyInstanceUid ?? newUid()),
    ...text(0x0020, 0x000e, 'UI', meta.seriesInstanceUid ?? newUid()),
    ...text(0x0020, 0x0060, 'CS', meta.laterality),
    { group: 0x0028, element: 0x0002, vr: 'US', value: uint16Value(1) },
    ...text(0x0028, 0x0004, 'CS', spec.photometricInterpretation ?? 'MONOCHROME2'),
    ...(frames > 1 ? text(0x0028, 0x0008, 'IS', String(frames)) : []),
    { group: 0x0028, element: 0x0010, vr: 'US', value: uint16Value(spec.height) },
    { group: 0x0028, element: 0x0011, vr: 'US', value: uint16Value(spec.width) },
    { group: 0x0028, element: 0x0100, vr: 'US', value: uint16Value(spec.bitsAllocated) },
    { group: 0x0028, element: 0x0101, vr: 'US', value: uint16Value(bitsStored) },
    { group: 0x0028, element: 0x0102, vr: 'US', value: uint16Value(bitsStored - 1) },
    { group: 0x0028, element: 0x0103, vr: 'US', value: uint16Value(spec.pixelRepresentation ?? 0) },
    ...text(0x0028, 0x1050, 'DS', spec.windowCenter === undefined ? undefined : decimalString(spec.windowCenter)),
    ...text(0x0028, 0x1051, 'DS', spec.windowWidth === undefined ? undefined : decimalString(spec.windowWidth)),
    ...text(0x0028, 0x1052, 'DS', spec.rescaleIntercept === undefined ? undefined : decimalString(spec.rescaleIntercept)),
    ...text(0x0028, 0x1053, 'DS', spec.rescaleSlope === undefined ? undefined : decimalString(spec.rescaleSlope)),
  ];
  if (spec.voiLut) elements.push({ group: 0x0028, element: 0x3010, vr: 'SQ', value: voiLutSequence(spec.voiLut) });

  if (!spec.omitPixelData) {
    const vr = spec.bitsAllocated === 8 ? 'OB' : 'OW';
    if (typeof encoding === 'object') {
      elements.push({ group: 0x7fe0, element: 0x0010, vr: 'OB', value: encapsulate(encoding.encapsulatedFrames), undefinedLength: true });
    } else {
      if (!spec.pixels) throw new Error('writeDicom: pixels are required unless omitPixelData is set');
      const raw = littleEndianBytes(spec.pixels);
      if (encoding === 'rle') {
        const frameBytes = raw.length / frames;
        const layout = { width: spec.width, height: spec.height, samplesPerPixel: 1, bitsAllocated: spec.bitsAllocated };
        const encoded = Array.from({ length: frames }, (_, f) =>
          encodeRleFrame(raw.subarray(f * frameBytes, (f + 1) * frameBytes), layout),
        );
        elements.push({ group: 0x7fe0, element: 0x0010, vr: 'OB', value: encapsulate(encoded), undefinedLength: true });
      } else {
        const even = raw.length % 2 === 0 ? raw : Buffer.concat([raw, Buffer.alloc(1)]);
        elements.push({ group: 0x7fe0, element: 0x0010, vr, value: even });
      }
    }
  }

  const explicitVr = encoding !== 'implicit';
  let dataset: Uint8Array = Buffer.concat(elements.map((e) => encodeElement(e, explicitVr)));
  if (encoding === 'deflated') dataset = zlib.deflateRawSync(dataset);

  const metaElements = Buffer.concat(
    [
      { group: 0x0002, element: 0x0001, vr: 'OB', value: Uint8Array.from([0, 1]) },
      ...text(0x0002, 0x0002, 'UI', COMPUTED_RADIOGRAPHY_SOP_CLASS),
      ...text(0x0002, 0x0003, 'UI', sopInstanceUid),
      ...text(0x0002, 0x0010, 'UI', transferSyntaxUid),
      ...text(0x0002, 0x0012, 'UI', IMPLEMENTATION_CLASS_UID),
    ].map((e) => encodeElement(e, true)),
  );
  const groupLength = encodeElement({ group: 0x0002, element: 0x0000, vr: 'UL', value: uint32Value(metaElements.length) }, true);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength, metaElements, dataset]);
}
