// Corruption kinds for the refusal tests and the fuzz test.
import { FI_BOARD_ID_OFF, FI_EXPANDED_BYTES_OFF, FI_HEADER_BYTES, FI_PAYLOAD_BYTES_OFF, FI_PAYLOAD_CRC_OFF, FI_SHA256_OFF, FI_VERSION_OFF, FI_WORD_BITS_OFF,
  FE_BOARD, FE_HEADER_CRC, FE_MAGIC, FE_PAYLOAD_CRC, FE_SHA256, FE_SIZES, FE_TRUNCATED, FE_VERSION, FE_WORD_BITS, FE_EXPANDED_SIZE, FE_INFLATE } from "../../vm-as/flash/layout.js";
import { sealHeader } from "../../host-tools/flash/format.js";
import { crc32 } from "../../host-tools/flash/crc32.js";

function dv(b: Uint8Array): DataView { return new DataView(b.buffer, b.byteOffset, b.byteLength); }

/** Recompute payload CRC and header CRC after editing (so the corruption reaches deeper checks). */
export function reseal(img: Uint8Array): void {
  const n = dv(img).getUint32(FI_PAYLOAD_BYTES_OFF, true);
  dv(img).setUint32(FI_PAYLOAD_CRC_OFF, crc32(img.subarray(FI_HEADER_BYTES, FI_HEADER_BYTES + Math.min(n, img.length - FI_HEADER_BYTES))), true);
  sealHeader(img);
}

export interface Corruption {
  name: string;
  /** FE_* code every checker must answer. */
  code: number;
  /** The message must match. */
  message: RegExp;
  apply(img: Uint8Array): Uint8Array;
}

/** One of each kind named in the issue, with the refusal it must get. */
export const corruptions: Corruption[] = [
  { name: "truncated", code: FE_TRUNCATED, message: /image truncated/,
    apply: (img) => img.slice(0, img.length - 100) },
  { name: "bit flip in the payload", code: FE_PAYLOAD_CRC, message: /payload corrupt \(CRC-32 mismatch\)/,
    apply: (img) => { const c = img.slice(); c[FI_HEADER_BYTES + (c.length - FI_HEADER_BYTES >> 1)] ^= 0x10; return c; } },
  { name: "bit flip in the header", code: FE_HEADER_CRC, message: /header corrupt \(header CRC-32 mismatch\)/,
    apply: (img) => { const c = img.slice(); c[FI_SHA256_OFF + 3] ^= 0x01; return c; } },
  { name: "wrong version", code: FE_VERSION, message: /format version 2, this VM reads version 1/,
    apply: (img) => { const c = img.slice(); dv(c).setUint16(FI_VERSION_OFF, 2, true); sealHeader(c); return c; } },
  { name: "wrong word size", code: FE_WORD_BITS, message: /image is 16-bit, this VM is 32-bit/,
    apply: (img) => { const c = img.slice(); c[FI_WORD_BITS_OFF] = 16; sealHeader(c); return c; } },
  { name: "wrong board", code: FE_BOARD, message: /packed for another board/,
    apply: (img) => { const c = img.slice(); dv(c).setUint32(FI_BOARD_ID_OFF, 0x12345678, true); sealHeader(c); return c; } },
  { name: "header lies: payload bigger than the slot", code: FE_SIZES, message: /does not fit a slot/,
    apply: (img) => { const c = img.slice(); dv(c).setUint32(FI_PAYLOAD_BYTES_OFF, 0x7fffffff, true); sealHeader(c); return c; } },
  { name: "header lies: expanded size too small", code: FE_EXPANDED_SIZE, message: /expands beyond|expanded size differs/,
    apply: (img) => { const c = img.slice(); const v = dv(c); v.setUint32(FI_EXPANDED_BYTES_OFF, v.getUint32(FI_EXPANDED_BYTES_OFF, true) - 1000, true); sealHeader(c); return c; } },
  { name: "header lies: expanded size too large", code: FE_EXPANDED_SIZE, message: /expanded size differs/,
    apply: (img) => { const c = img.slice(); const v = dv(c); v.setUint32(FI_EXPANDED_BYTES_OFF, v.getUint32(FI_EXPANDED_BYTES_OFF, true) + 1000, true); sealHeader(c); return c; } },
  { name: "header lies: SHA-256", code: FE_SHA256, message: /SHA-256 mismatch/,
    apply: (img) => { const c = img.slice(); c[FI_SHA256_OFF] ^= 0x80; sealHeader(c); return c; } },
  { name: "payload rewritten with a valid CRC (garbage stream)", code: FE_INFLATE, message: /compressed payload is corrupt|image truncated/,
    apply: (img) => { const c = img.slice(); for (let i = FI_HEADER_BYTES; i < FI_HEADER_BYTES + 40; i++) c[i] = 0xff; reseal(c); return c; } },
];

export const corruptionCodes = { FE_MAGIC };
