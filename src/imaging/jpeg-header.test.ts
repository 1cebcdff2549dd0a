import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode.js';
import { readJpegFrame } from './jpeg-header.js';
import { luma } from './luma.js';

/** A 48x36 colour picture with structure in every channel. */
function colourPixels(width = 48, height = 36): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const [x, y] = [i % width, Math.floor(i / width)];
    rgb.set([(x * 5) % 256, (y * 7) % 256, ((x + y) * 3) % 256], i * 3);
  }
  return rgb;
}

const colour = () => sharp(colourPixels(), { raw: { width: 48, height: 36, channels: 3 } });

/** JPEG variants a radiograph export may produce, each with what sharp's own header reading says of it. */
async function variants(): Promise<Record<string, Buffer>> {
  return {
    grey: await colour().toColourspace('b-w').jpeg().toBuffer(),
    colour420: await colour().jpeg({ chromaSubsampling: '4:2:0' }).toBuffer(),
    colour444: await colour().jpeg({ chromaSubsampling: '4:4:4' }).toBuffer(),
    progressive: await colour().jpeg({ progressive: true }).toBuffer(),
    rotatedByExif: await colour().jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    withIccProfile: await colour().jpeg().withIccProfile('p3').toBuffer(),
    cmyk: await colour().toColourspace('cmyk').jpeg().toBuffer(),
  };
}

describe('readJpegFrame', () => {
  it('reads the size and components that sharp reads from the same header', async () => {
    for (const [name, bytes] of Object.entries(await variants())) {
      const frame = readJpegFrame(bytes);
      const metadata = await sharp(bytes).metadata();
      expect(frame, name).toBeDefined();
      expect([frame!.width, frame!.height, frame!.components, frame!.precision], name).toEqual([metadata.width, metadata.height, metadata.channels, 8]);
    }
  });

  it('skips fill bytes before a marker', async () => {
    const bytes = await colour().jpeg().toBuffer();
    const padded = Buffer.concat([bytes.subarray(0, 2), Buffer.from([0xff, 0xff, 0xff]), bytes.subarray(2)]);
    expect(readJpegFrame(padded)).toEqual(readJpegFrame(bytes));
  });

  it('gives nothing for other formats, files cut before the frame header and malformed segments', async () => {
    const bytes = await colour().jpeg().toBuffer();
    const frameAt = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    expect(frameAt).toBeGreaterThan(2);
    expect(readJpegFrame(await colour().png().toBuffer())).toBeUndefined();
    expect(readJpegFrame(bytes.subarray(0, frameAt + 5))).toBeUndefined();
    const badLength = Buffer.from(bytes);
    badLength.writeUInt16BE(0xfff0, 4);
    expect(readJpegFrame(badLength)).toBeUndefined();
    expect(readJpegFrame(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08]))).toBeUndefined();
  });
});

describe('decodeImage on JPEG variants', () => {
  it('gives the pixels of sharp decoding the file upright, in sRGB, then luma', async () => {
    for (const [name, bytes] of Object.entries(await variants())) {
      const image = await decodeImage(bytes);
      const grey = name === 'grey';
      const { data, info } = await sharp(bytes).autoOrient().toColourspace(grey ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
      const expected = grey ? new Uint8Array(data) : luma(new Uint8Array(data), info.channels);
      expect([image.width, image.height], name).toEqual([info.width, info.height]);
      expect(Buffer.from(image.pixels).equals(Buffer.from(expected)), name).toBe(true);
    }
  });
});
