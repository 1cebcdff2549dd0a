import zlib from 'node:zlib';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../imaging/decode.js';
import { writeDicom, type DicomImageSpec } from '../imaging/dicom/dicom-write.js';
import { editDicom } from './dicom-edit.js';
import { deidentifyDicom, pseudonymFor } from './deidentify.js';

const SALT = 'a1'.repeat(32);

/** A 12-bit radiograph whose pixels vary, in the given encoding, with identifying patient attributes. */
function identifiedFile(encoding: DicomImageSpec['encoding'], patientId = 'HOSP-12345'): Uint8Array {
  const pixels = Uint16Array.from({ length: 40 * 30 }, (_, i) => (i * 37) % 4096);
  const plain = writeDicom({
    width: 40,
    height: 30,
    bitsAllocated: 16,
    bitsStored: 12,
    pixels,
    encoding,
    metadata: { patientId, bodyPart: 'HAND', studyInstanceUid: '1.2.3.4', modality: 'CR' },
  });
  return editDicom(plain, {
    set: [
      { tag: '00100010', vr: 'PN', value: 'Doe^Jane' },
      { tag: '00100030', vr: 'DA', value: '19700101' },
      { tag: '00080050', vr: 'SH', value: 'ACC998877' },
      { tag: '00080020', vr: 'DA', value: '20240315' },
    ],
  });
}

/** Reads tags with dicom-parser, independently of the editor under test. */
function tags(bytes: Uint8Array): (tag: string) => string | undefined {
  const dataSet = dicomParser.parseDicom(bytes, {
    // dicom-parser looks for an inflater for deflated files; Node's zlib serves.
    inflater: (array: Uint8Array, position: number) => {
      const inflated = zlib.inflateRawSync(array.subarray(position));
      const out = new Uint8Array(position + inflated.length);
      out.set(array.subarray(0, position));
      out.set(inflated, position);
      return out;
    },
  } as dicomParser.ParseDicomOptions);
  return (tag) => dataSet.string(`x${tag.toLowerCase()}`);
}

describe('deidentifyDicom', () => {
  it.each(['explicit', 'implicit', 'deflated', 'rle'] as const)('replaces patient name and id by a pseudonym, %s encoding, pixels untouched', async (encoding) => {
    const original = identifiedFile(encoding);
    expect(tags(original)('00100010')).toBe('Doe^Jane');
    const { bytes, pseudonym } = deidentifyDicom(original, SALT);
    expect(pseudonym).toBe(pseudonymFor(SALT, 'id:\\HOSP-12345'));
    expect(pseudonym).toMatch(/^[0-9a-f]{32}$/);

    const read = tags(bytes);
    expect(read('00100010')).toBe(pseudonym);
    expect(read('00100020')).toBe(pseudonym);
    expect(read('00100030')).toBeUndefined();
    expect(read('00080050')).toBeUndefined();
    expect(read('00120062')).toBe('YES');
    expect(read('00080020')).toBe('20240315');
    expect(read('0020000d')).toBe('1.2.3.4');
    if (encoding !== 'deflated') {
      const text = Buffer.from(bytes).toString('latin1');
      for (const secret of ['HOSP-12345', 'Doe^Jane', '19700101', 'ACC998877']) expect(text).not.toContain(secret);
    }

    const before = await decodeImage(original);
    const after = await decodeImage(bytes);
    expect(after.metadata.patientId).toBe(pseudonym);
    expect(after.metadata.bodyPart).toBe('HAND');
    expect(Buffer.from(after.pixels.buffer).equals(Buffer.from(before.pixels.buffer))).toBe(true);
  });

  it('gives a patient one pseudonym per salt, and different patients different ones', () => {
    const a = deidentifyDicom(identifiedFile('explicit', 'P1'), SALT).pseudonym;
    const again = deidentifyDicom(identifiedFile('implicit', 'P1'), SALT).pseudonym;
    const other = deidentifyDicom(identifiedFile('explicit', 'P2'), SALT).pseudonym;
    const otherSalt = deidentifyDicom(identifiedFile('explicit', 'P1'), 'b2'.repeat(32)).pseudonym;
    expect(again).toBe(a);
    expect(other).not.toBe(a);
    expect(otherSalt).not.toBe(a);
  });

  it('is deterministic, so a second import of the same instance is the same content', () => {
    const file = identifiedFile('explicit');
    expect(deidentifyDicom(file, SALT).bytes.equals(deidentifyDicom(file, SALT).bytes)).toBe(true);
  });

  it('without a patient id falls back to one pseudonym per study', () => {
    const noPatient = writeDicom({ width: 4, height: 4, bitsAllocated: 8, pixels: new Uint8Array(16), metadata: { studyInstanceUid: '9.8.7' } });
    expect(deidentifyDicom(noPatient, SALT).pseudonym).toBe(pseudonymFor(SALT, 'study:9.8.7'));
  });

  it('refuses what is not a DICOM file with a clear error', () => {
    expect(() => deidentifyDicom(Buffer.from('not dicom at all'), SALT)).toThrow(/DICM signature/);
    const truncated = identifiedFile('explicit').subarray(0, 300);
    expect(() => deidentifyDicom(truncated, SALT)).toThrowError(expect.objectContaining({ code: 'DICOM_MALFORMED' }));
  });
});
