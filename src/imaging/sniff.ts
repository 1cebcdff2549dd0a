/** The container formats Osteon reads, named by their content, never by their file name. */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'bmp' | 'dicom';

/** How many leading bytes `sniffFormat` needs to recognise every format (DICOM's magic sits at byte 128). */
export const SNIFF_BYTES = 132;

function startsWith(head: Uint8Array, magic: readonly number[], offset = 0): boolean {
  if (head.length < offset + magic.length) return false;
  return magic.every((byte, i) => head[offset + i] === byte);
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/**
 * DICOM files written without the 128-byte preamble (old or raw PACS dumps) start directly with a group
 * 0x0002 or 0x0008 element; accept them when the first tag and the explicit VR look right.
 */
function looksLikeBareDicom(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  const group = head[0]! | (head[1]! << 8);
  if (group !== 0x0002 && group !== 0x0008) return false;
  const vr = String.fromCharCode(head[4]!, head[5]!);
  const isExplicitVr = /^(UL|OB|UI|SH|CS|DA|TM|LO|PN|US|AE|ST|IS|DS)$/.test(vr);
  // implicit VR: a 32-bit length that is small for the first header elements
  const implicitLength = head[4]! | (head[5]! << 8) | (head[6]! << 16) | (head[7]! << 24);
  return isExplicitVr || (group === 0x0008 && implicitLength > 0 && implicitLength < 256);
}

/** Names the format of a file from its first bytes (at least `SNIFF_BYTES` of them), or undefined. */
export function sniffFormat(head: Uint8Array): ImageFormat | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'gif';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'webp';
  if (
    startsWith(head, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(head, [0x49, 0x49, 0x2b, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])
  ) {
    return 'tiff';
  }
  if (startsWith(head, ascii('BM')) && head.length >= 18) return 'bmp';
  if (startsWith(head, ascii('DICM'), 128) || looksLikeBareDicom(head)) return 'dicom';
  return undefined;
}

/** A short human description of unrecognised leading bytes, for error messages. */
export function describeUnknownHead(head: Uint8Array): string {
  if (head.length === 0) return 'the file is empty';
  const sample = head.subarray(0, 64);
  const printable = sample.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80);
  if (printable) return 'the file looks like text';
  const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `the file starts with bytes ${hex}`;
}
