// Writes a real PNG with node's zlib, so the end-to-end test needs no image fixtures.
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A colourful landscape-ish picture: sky gradient, a sun and hills, so motion is visible.
 * {@code variant} rotates the colour channels, so the pictures of a story tell apart.
 */
export function makePng(width, height, variant = 0) {
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const rgb = pixel(x / width, y / height, width / height);
      const [r, g, b] = [0, 1, 2].map((c) => rgb[(c + variant) % 3]);
      row[1 + x * 3] = r;
      row[2 + x * 3] = g;
      row[3 + x * 3] = b;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function pixel(u, v, aspect) {
  const hill = 0.62 + 0.08 * Math.sin(u * 9) + 0.05 * Math.sin(u * 23 + 1);
  if (v > hill) return [40 + 60 * u, 110 + 50 * Math.sin(u * 30), 70];
  const dx = (u - 0.72) * aspect;
  const dy = v - 0.28;
  if (dx * dx + dy * dy < 0.012) return [255, 214, 90];
  const stripe = Math.floor(u * 16) % 2 === 0 ? 12 : 0;
  return [90 + 80 * v + stripe, 150 + 70 * v, 240 - 20 * v];
}

/** Starts like a PNG, then is nonsense: the browser may take it, the server must refuse it. */
export function makeCorruptPng() {
  const junk = Buffer.alloc(4096);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 251;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), junk]);
}
