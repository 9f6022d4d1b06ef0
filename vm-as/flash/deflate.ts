// A small DEFLATE compressor for the device (snapshots): greedy LZ77 with a
// single-probe hash table, one fixed-Huffman block (RFC 1951 3.2.6).  No
// dynamic tables, no window buffer (the input is in RAM).  Static RAM:
// hash table 4096 x u16 = 8192 bytes, output staging 64 bytes.
//
// Deterministic: the same input gives the same bytes, so the snapshot runs it
// twice — once to learn the payload's length and CRC-32 (header first), once
// to write it.
//
//   hash table entry: low 16 bits of the last position with that 3-byte hash;
//   a candidate is accepted only after its bytes compare equal, so an aliased
//   (stale) entry can cost a comparison, never a wrong match.

import { crc32_update } from "./crc32";
import { update_write } from "./update";

const HBITS: u32 = 12;
const HASH: usize = memory.data(2 << HBITS, 2);
const STAGE: usize = memory.data(64, 4);
export const DEFLATE_RAM_BYTES: i32 = (2 << HBITS) + 64;

let bitAcc: u32 = 0;
let bitCnt: u32 = 0;
let stageN: u32 = 0;
let sinkWrite: bool = false;   // false: only count and CRC; true: update_write
let outBytes: u32 = 0;
let outCrc: u32 = 0;
let sinkErr: i32 = 0;

function flushStage(): void {
  if (stageN == 0) return;
  outCrc = crc32_update(outCrc, STAGE, stageN);
  outBytes += stageN;
  if (sinkWrite && sinkErr == 0) {
    const r = update_write(STAGE, stageN);
    if (r < 0) sinkErr = r;
  }
  stageN = 0;
}

@inline function putBits(v: u32, n: u32): void {
  bitAcc |= v << bitCnt;
  bitCnt += n;
  while (bitCnt >= 8) {
    store<u8>(STAGE + stageN, <u8>bitAcc);
    stageN++;
    if (stageN == 64) flushStage();
    bitAcc >>>= 8;
    bitCnt -= 8;
  }
}

// Huffman codes are sent most-significant bit first.
function putCode(code: u32, len: u32): void {
  let r: u32 = 0;
  for (let i: u32 = 0; i < len; i++) { r = (r << 1) | (code & 1); code >>>= 1; }
  putBits(r, len);
}

function putLitLen(sym: u32): void {
  if (sym < 144) putCode(0x30 + sym, 8);
  else if (sym < 256) putCode(0x190 + sym - 144, 9);
  else if (sym < 280) putCode(sym - 256, 7);
  else putCode(0xc0 + sym - 280, 8);
}

function putLength(len: u32): void {
  // length codes 257..285: base and extra bits
  if (len == 258) { putLitLen(285); return; }
  let code: u32, base: u32, extra: u32;
  if (len < 11) { code = 257 + len - 3; base = len; extra = 0; }
  else {
    // lengths 11..257: extra = floor(log2(len - 3)) - 2
    const v = len - 3;
    extra = 29 - <u32>clz<u32>(v);         // 31 - clz(v) - 2
    const group = (v >>> extra) - 4;       // 0..3 within the extra-bit class
    code = 265 + (extra - 1) * 4 + group;
    base = 3 + ((4 + group) << extra);
  }
  putLitLen(code);
  if (extra > 0) putBits(len - base, extra);
}

function putDistance(d: u32): void {
  let code: u32, base: u32, extra: u32;
  if (d <= 4) { code = d - 1; base = d; extra = 0; }
  else {
    const v = d - 1;
    extra = 30 - <u32>clz<u32>(v);         // 31 - clz(v) - 1
    const half = (v >>> extra) & 1;
    code = extra * 2 + 2 + half;
    base = 1 + ((2 + half) << extra);
  }
  putCode(code, 5);
  if (extra > 0) putBits(d - base, extra);
}

@inline function hash3(p: usize): u32 {
  const v = <u32>load<u8>(p) | (<u32>load<u8>(p + 1) << 8) | (<u32>load<u8>(p + 2) << 16);
  return (v * 2654435761) >>> (32 - HBITS);
}

// Compress [src, src + n) as one final fixed-Huffman block.  `write`: false
// = dry run (length and CRC only).  Answers 0 or the update_write error.
export function deflate_fixed(src: usize, n: u32, write: bool): i32 {
  bitAcc = 0; bitCnt = 0; stageN = 0; sinkWrite = write; outBytes = 0; outCrc = 0xffffffff; sinkErr = 0;
  memory.fill(HASH, 0, <usize>(2 << HBITS));
  putBits(1, 1);   // BFINAL
  putBits(1, 2);   // BTYPE 01: fixed Huffman
  let i: u32 = 0;
  while (i < n) {
    let len: u32 = 0;
    let dist: u32 = 0;
    if (i + 3 <= n) {
      const h = hash3(src + i);
      const slot = HASH + (<usize>h << 1);
      const d = (i - <u32>load<u16>(slot)) & 0xffff;
      store<u16>(slot, <u16>i);
      if (d > 0 && d <= 32768 && d <= i) {
        const max = n - i < 258 ? n - i : 258;
        const a = src + i;
        const b = a - d;
        while (len < max && load<u8>(a + len) == load<u8>(b + len)) len++;
        if (len >= 3) dist = d;
      }
    }
    if (dist != 0) {
      putLength(len);
      putDistance(dist);
      // index the positions inside the match (better matches later)
      const end = i + len;
      for (let j = i + 1; j + 3 <= n && j < end; j++) {
        store<u16>(HASH + (<usize>hash3(src + j) << 1), <u16>j);
      }
      i = end;
    } else {
      putLitLen(<u32>load<u8>(src + i));
      i++;
    }
    if (sinkErr != 0) return sinkErr;
  }
  putLitLen(256);
  if (bitCnt > 0) putBits(0, 8 - bitCnt);
  flushStage();
  return sinkErr;
}

export function deflate_outBytes(): u32 { return outBytes; }
export function deflate_outCrc(): u32 { return outCrc ^ 0xffffffff; }
