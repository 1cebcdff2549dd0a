// Identifiers inside sequence items: hand-encoded files, since the writer under test's own writer makes none.
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { deidentifyDicom } from './deidentify.js';

const SALT = 'c3'.repeat(32);
const UNDEFINED = 0xffffffff;

type Syntax = 'explicit' | 'implicit';

/** One element: tag `gggg,eeee` as 8 hex digits, its VR, and a text value or a list of items (each a list of elements). */
interface Element {
  tag: string;
  vr: string;
  value: string | Element[][];
  /** Write a sequence and its items with undefined lengths (delimiters) instead of byte counts. */
  undefinedLength?: boolean;
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
}
function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}
const tagBytes = (tag: string) => Buffer.concat([u16(Number.parseInt(tag.slice(0, 4), 16)), u16(Number.parseInt(tag.slice(4), 16))]);
const delimiter = (element: number) => Buffer.concat([u16(0xfffe), u16(element), u32(0)]);

function encode(e: Element, explicit: boolean): Buffer {
  let body: Buffer;
  if (typeof e.value === 'string') {
    body = Buffer.from(e.value, 'latin1');
    if (body.length % 2) body = Buffer.concat([body, Buffer.from(e.vr === 'UI' ? [0] : [0x20])]);
  } else {
    // A UN element's items are implicit VR whatever the file's syntax.
    const itemsExplicit = explicit && e.vr !== 'UN';
    body = Buffer.concat(e.value.map((item) => {
      const content = Buffer.concat(item.map((x) => encode(x, itemsExplicit)));
      return e.undefinedLength
        ? Buffer.concat([u16(0xfffe), u16(0xe000), u32(UNDEFINED), content, delimiter(0xe00d)])
        : Buffer.concat([u16(0xfffe), u16(0xe000), u32(content.length), content]);
    }));
    if (e.undefinedLength) body = Buffer.concat([body, delimiter(0xe0dd)]);
  }
  const length = e.undefinedLength ? UNDEFINED : body.length;
  if (!explicit) return Buffer.concat([tagBytes(e.tag), u32(length), body]);
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(e.vr);
  return Buffer.concat([tagBytes(e.tag), Buffer.from(e.vr, 'latin1'), long ? Buffer.concat([u16(0), u32(length)]) : u16(length), body]);
}

function part10(syntax: Syntax, elements: Element[]): Buffer {
  const uid = syntax === 'explicit' ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2';
  const meta = encode({ tag: '00020010', vr: 'UI', value: uid }, true);
  const dataset = Buffer.concat(elements.map((e) => encode(e, syntax === 'explicit')));
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), meta, dataset]);
}

const SECRETS = ['Doe^Jane', 'HOSP-77', 'ACC-NESTED-9', 'Who^Requested', 'Other^Alias', 'St Elsewhere'];

/** A radiograph's header with identifiers at the top level and one and two sequences deep. */
function nestedFile(syntax: Syntax, requestVr: 'SQ' | 'UN', undefinedLength: boolean): Buffer {
  return part10(syntax, [
    { tag: '00080060', vr: 'CS', value: 'CR' },
    { tag: '00080080', vr: 'LO', value: 'St Elsewhere' },
    { tag: '00081120', vr: 'SQ', undefinedLength, value: [[
      { tag: '00100010', vr: 'PN', value: 'Doe^Jane' },
      { tag: '00100020', vr: 'LO', value: 'HOSP-77' },
    ]] },
    { tag: '00100010', vr: 'PN', value: 'Doe^Jane' },
    { tag: '00100020', vr: 'LO', value: 'HOSP-77' },
    { tag: '00101002', vr: 'SQ', undefinedLength, value: [[{ tag: '00100020', vr: 'LO', value: 'Other^Alias' }]] },
    { tag: '00180015', vr: 'CS', value: 'WRIST' },
    { tag: '0020000D', vr: 'UI', value: '1.2.3.99' },
    { tag: '00400275', vr: requestVr, undefinedLength, value: [
      [
        { tag: '00080050', vr: 'SH', value: 'ACC-NESTED-9' },
        { tag: '00321032', vr: 'PN', value: 'Who^Requested' },
        { tag: '00400009', vr: 'SH', value: 'SPS1' },
      ],
      [
        { tag: '00400008', vr: 'SQ', undefinedLength, value: [[
          { tag: '00080100', vr: 'SH', value: 'XR-WRIST' },
          { tag: '00100010', vr: 'PN', value: 'Doe^Jane' },
        ]] },
      ],
    ] },
  ]);
}

describe('deidentifyDicom, identifiers inside sequences', () => {
  it.each([
    ['explicit', 'SQ', false],
    ['explicit', 'SQ', true],
    ['implicit', 'SQ', false],
    ['implicit', 'SQ', true],
    ['explicit', 'UN', true],
  ] as const)('%s VR, request attributes as %s, undefined lengths %s: nothing identifying is left, the rest is', (syntax, requestVr, undefinedLength) => {
    const original = nestedFile(syntax, requestVr, undefinedLength);
    const text = original.toString('latin1');
    for (const secret of SECRETS) expect(text).toContain(secret);

    const { bytes, pseudonym } = deidentifyDicom(original, SALT);
    const out = bytes.toString('latin1');
    for (const secret of SECRETS) expect(out, secret).not.toContain(secret);
    for (const kept of ['SPS1', 'XR-WRIST', 'WRIST', '1.2.3.99', 'CR']) expect(out, kept).toContain(kept);

    // An independent reader walks the result: the sequences that stay still hold their items.
    const data = dicomParser.parseDicom(new Uint8Array(bytes));
    expect(data.string('x00100010')).toBe(pseudonym);
    expect(data.elements.x00081120).toBeUndefined();
    expect(data.elements.x00101002).toBeUndefined();
    if (requestVr === 'SQ') {
      const items = data.elements.x00400275!.items!;
      expect(items).toHaveLength(2);
      expect(items[0]!.dataSet!.string('x00400009')).toBe('SPS1');
      expect(items[0]!.dataSet!.string('x00080050')).toBeUndefined();
      const code = items[1]!.dataSet!.elements.x00400008!.items![0]!.dataSet!;
      expect(code.string('x00080100')).toBe('XR-WRIST');
      expect(code.string('x00100010')).toBeUndefined();
    }
  });

  it('leaves a file without identifying sequences byte for byte as it was, apart from the top-level edits', () => {
    const plain = part10('explicit', [
      { tag: '00080060', vr: 'CS', value: 'CR' },
      { tag: '00400008', vr: 'SQ', value: [[{ tag: '00080100', vr: 'SH', value: 'XR-HAND' }]] },
    ]);
    const { bytes } = deidentifyDicom(plain, SALT);
    const sequence = encode({ tag: '00400008', vr: 'SQ', value: [[{ tag: '00080100', vr: 'SH', value: 'XR-HAND' }]] }, true);
    expect(bytes.includes(sequence)).toBe(true);
  });

  it('refuses a sequence whose items are cut short', () => {
    const broken = nestedFile('explicit', 'SQ', false);
    const at = broken.indexOf(Buffer.from('SPS1', 'latin1'));
    expect(() => deidentifyDicom(broken.subarray(0, at), SALT)).toThrowError(expect.objectContaining({ code: 'DICOM_MALFORMED' }));
  });
});
