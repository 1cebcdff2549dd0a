import sharp from 'sharp';

/** A small synthetic grey "radiograph" (PNG or JPEG) that differs by seed: bright bars on a dark ground. */
export async function syntheticImage(seed: number, format: 'png' | 'jpeg' = 'png', size = 96): Promise<Buffer> {
  const pixels = Buffer.alloc(size * size);
  let s = seed * 2654435761 + 1;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const bars = Array.from({ length: 4 }, () => ({ x: rand() * size, y: rand() * size, w: 4 + rand() * 20, h: 8 + rand() * 50, v: 120 + rand() * 130 }));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 20 + 30 * Math.sin((x * (1 + (seed % 5))) / 17) ** 2;
      for (const b of bars) if (x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h) v = b.v;
      pixels[y * size + x] = Math.min(255, v);
    }
  }
  const img = sharp(pixels, { raw: { width: size, height: size, channels: 1 } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 92 }).toBuffer();
}
