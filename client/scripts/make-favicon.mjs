// Writes client/public/favicon.ico: a 32x32 32-bit BMP icon of the Splitlab mark (a rounded
// square split into Okabe-Ito blue and vermillion halves), the same drawing as favicon.svg.
// Run once after changing the mark: node client/scripts/make-favicon.mjs
import { writeFileSync } from "node:fs";

const size = 32;
const blue = [0x00, 0x72, 0xb2];
const vermillion = [0xd5, 0x5e, 0x00];
const white = [0xff, 0xff, 0xff];
const radius = 6;

/** Colour and alpha of pixel (x, y), y from the top. */
function pixel(x, y) {
  const cx = Math.min(Math.max(x + 0.5, radius), size - radius);
  const cy = Math.min(Math.max(y + 0.5, radius), size - radius);
  const outside = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) > radius;
  if (outside) return [0, 0, 0, 0];
  if (x >= 15 && x <= 16 && y >= 5 && y <= 26) return [...white, 255];
  return [...(x < 16 ? blue : vermillion), 255];
}

const header = Buffer.alloc(6);
header.writeUInt16LE(0, 0); // reserved
header.writeUInt16LE(1, 2); // type: icon
header.writeUInt16LE(1, 4); // one image
const xor = Buffer.alloc(size * size * 4);
for (let row = 0; row < size; row++) {
  const y = size - 1 - row; // BMP rows go bottom-up
  for (let x = 0; x < size; x++) {
    const [r, g, b, a] = pixel(x, y);
    xor.set([b, g, r, a], (row * size + x) * 4);
  }
}
const and = Buffer.alloc((size * size) / 8); // all opaque per mask; alpha channel decides
const info = Buffer.alloc(40);
info.writeUInt32LE(40, 0);
info.writeInt32LE(size, 4);
info.writeInt32LE(size * 2, 8); // XOR + AND masks
info.writeUInt16LE(1, 12);
info.writeUInt16LE(32, 14);
info.writeUInt32LE(0, 16);
info.writeUInt32LE(xor.length + and.length, 20);
const image = Buffer.concat([info, xor, and]);
const entry = Buffer.alloc(16);
entry.writeUInt8(size, 0);
entry.writeUInt8(size, 1);
entry.writeUInt8(0, 2);
entry.writeUInt8(0, 3);
entry.writeUInt16LE(1, 4);
entry.writeUInt16LE(32, 6);
entry.writeUInt32LE(image.length, 8);
entry.writeUInt32LE(header.length + entry.length, 12);
writeFileSync(new URL("../public/favicon.ico", import.meta.url), Buffer.concat([header, entry, image]));
