/** The DICOM transfer syntaxes Osteon reads, by UID. */
export const TransferSyntax = {
  ImplicitVrLittleEndian: '1.2.840.10008.1.2',
  ExplicitVrLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVrLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVrBigEndian: '1.2.840.10008.1.2.2',
  JpegBaseline: '1.2.840.10008.1.2.4.50',
  JpegExtended: '1.2.840.10008.1.2.4.51',
  JpegLossless: '1.2.840.10008.1.2.4.57',
  JpegLosslessSv1: '1.2.840.10008.1.2.4.70',
  JpegLsLossless: '1.2.840.10008.1.2.4.80',
  JpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  Jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  Jpeg2000: '1.2.840.10008.1.2.4.91',
  RleLossless: '1.2.840.10008.1.2.5',
} as const;

/** How the pixel data of a transfer syntax is stored: which codec, if any, decodes it. */
export type PixelEncoding = 'native' | 'native-big-endian' | 'jpeg-baseline' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'rle';

const ENCODINGS: Record<string, { name: string; encoding: PixelEncoding }> = {
  [TransferSyntax.ImplicitVrLittleEndian]: { name: 'Implicit VR Little Endian', encoding: 'native' },
  [TransferSyntax.ExplicitVrLittleEndian]: { name: 'Explicit VR Little Endian', encoding: 'native' },
  [TransferSyntax.DeflatedExplicitVrLittleEndian]: { name: 'Deflated Explicit VR Little Endian', encoding: 'native' },
  [TransferSyntax.ExplicitVrBigEndian]: { name: 'Explicit VR Big Endian', encoding: 'native-big-endian' },
  [TransferSyntax.JpegBaseline]: { name: 'JPEG Baseline (Process 1)', encoding: 'jpeg-baseline' },
  [TransferSyntax.JpegExtended]: { name: 'JPEG Extended (Process 2 & 4)', encoding: 'jpeg-baseline' },
  [TransferSyntax.JpegLossless]: { name: 'JPEG Lossless (Process 14)', encoding: 'jpeg-lossless' },
  [TransferSyntax.JpegLosslessSv1]: { name: 'JPEG Lossless SV1', encoding: 'jpeg-lossless' },
  [TransferSyntax.JpegLsLossless]: { name: 'JPEG-LS Lossless', encoding: 'jpeg-ls' },
  [TransferSyntax.JpegLsNearLossless]: { name: 'JPEG-LS Near-Lossless', encoding: 'jpeg-ls' },
  [TransferSyntax.Jpeg2000Lossless]: { name: 'JPEG 2000 Lossless', encoding: 'jpeg2000' },
  [TransferSyntax.Jpeg2000]: { name: 'JPEG 2000', encoding: 'jpeg2000' },
  [TransferSyntax.RleLossless]: { name: 'RLE Lossless', encoding: 'rle' },
};

/** Names of syntaxes Osteon cannot read, so an error can say what the file is. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  '1.2.840.10008.1.2.4.100': 'MPEG-2 video',
  '1.2.840.10008.1.2.4.101': 'MPEG-2 video',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 video',
  '1.2.840.10008.1.2.4.103': 'MPEG-4 video',
  '1.2.840.10008.1.2.4.104': 'MPEG-4 video',
  '1.2.840.10008.1.2.4.105': 'MPEG-4 video',
  '1.2.840.10008.1.2.4.106': 'MPEG-4 video',
  '1.2.840.10008.1.2.4.107': 'HEVC video',
  '1.2.840.10008.1.2.4.108': 'HEVC video',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 multi-component',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2 multi-component',
  '1.2.840.10008.1.2.4.94': 'JPIP referenced',
  '1.2.840.10008.1.2.4.95': 'JPIP referenced deflate',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 lossless',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 RPCL lossless',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
  '1.2.840.10008.1.2.4.110': 'JPEG XL lossless',
  '1.2.840.10008.1.2.4.112': 'JPEG XL',
};

export function pixelEncoding(uid: string): PixelEncoding | undefined {
  return ENCODINGS[uid]?.encoding;
}

export function transferSyntaxName(uid: string): string {
  return ENCODINGS[uid]?.name ?? KNOWN_UNSUPPORTED[uid] ?? 'unknown';
}

export function supportedTransferSyntaxes(): string[] {
  return Object.keys(ENCODINGS);
}
