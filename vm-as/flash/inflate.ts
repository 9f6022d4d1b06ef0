// Streaming raw-DEFLATE decoder (RFC 1951) from flash into a caller-given
// buffer.  After Mark Adler's puff.c: canonical Huffman decoding from
// (count, symbol) tables, no lookup tables, every malformed stream refused.
//
// The output buffer is the window: back-references read earlier output, so
// there is no separate 32 KiB window.  The input is read from flash through
// a FL_READ_BUF-byte buffer.  Static RAM (exact):
//   read buffer              FL_READ_BUF = 512
//   literal/length counts    16 x i16    =  32
//   literal/length symbols  288 x i16    = 576
//   distance counts          16 x i16    =  32
//   distance symbols         30 x i16    =  60
//   code lengths            320 x i16    = 640
//   offsets (construct)      16 x i16    =  32
//   base/extra tables (const: 2 x 29 + 2 x 30 u16, 19 u8) = 255
// total INFLATE_RAM_BYTES = 2139 bytes, plus a few globals.  The read buffer
// is shared with slot.ts (payload CRC pass), which never runs during inflate.
//
// Termination: every loop consumes input bits or writes output, both bounded
// (input by the payload length, output by `outCap`); running out of input
// sets an error that every loop checks.

import { FE_INFLATE, FE_EXPANDED_SIZE, FE_IO, FE_TRUNCATED, FL_READ_BUF } from "./layout";
import { flashRead, textError, textDec, textStr } from "./io";

const MAXBITS: i32 = 15;
const MAXLCODES: i32 = 286;
const MAXDCODES: i32 = 30;
const FIXLCODES: i32 = 288;

export const INBUF: usize = memory.data(FL_READ_BUF, 4);
const LENCNT: usize = memory.data(32, 2);
const LENSYM: usize = memory.data(FIXLCODES * 2, 2);
const DISTCNT: usize = memory.data(32, 2);
const DISTSYM: usize = memory.data(MAXDCODES * 2, 2);
const LENGTHS: usize = memory.data(320 * 2, 2);
const OFFS: usize = memory.data(32, 2);

const LBASE: usize = memory.data<u16>([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
  35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]);
const LEXT: usize = memory.data<u16>([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
  3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]);
const DBASE: usize = memory.data<u16>([
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
  257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577]);
const DEXT: usize = memory.data<u16>([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
  7, 7, 8, 8, 9, 9, 10, 10, 11, 11,
  12, 12, 13, 13]);
const ORDER: usize = memory.data<u8>([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

export const INFLATE_RAM_BYTES: i32 = FL_READ_BUF + 32 + FIXLCODES * 2 + 32 + MAXDCODES * 2 + 640 + 32 + 255;

// ---- decoder state -----------------------------------------------------------
let inOff: u32 = 0;      // next flash offset to read
let inEnd: u32 = 0;      // end of the payload in flash
let inPos: u32 = 0;      // next byte in INBUF
let inLen: u32 = 0;      // bytes valid in INBUF
let bitBuf: u32 = 0;     // pending bits, LSB first
let bitCnt: i32 = 0;     // number of pending bits (< 8 between symbols)
let out: usize = 0;
let outPos: u32 = 0;
let outCap: u32 = 0;
let err: i32 = 0;        // 0, or an FE_* code once the stream is refused

function fail(code: i32, detail: string): void {
  if (err == 0) { err = code; textError(code, detail); }
}

// Next input byte, or 0 with `err` set when the payload is exhausted.
@inline function nextByte(): u32 {
  if (inPos == inLen) {
    if (inOff >= inEnd) { fail(FE_TRUNCATED, "compressed stream ends early"); return 0; }
    let n = inEnd - inOff;
    if (n > <u32>FL_READ_BUF) n = <u32>FL_READ_BUF;
    if (!flashRead(inOff, INBUF, n)) { if (err == 0) err = FE_IO; return 0; }
    inOff += n;
    inLen = n;
    inPos = 0;
  }
  const b = <u32>load<u8>(INBUF + inPos);
  inPos++;
  return b;
}

function bits(need: i32): u32 {
  let val = bitBuf;
  while (bitCnt < need) {
    val |= nextByte() << <u32>bitCnt;
    bitCnt += 8;
  }
  bitBuf = need == 32 ? 0 : val >>> <u32>need;
  bitCnt -= need;
  return val & ((<u32>1 << <u32>need) - 1);
}

// Stored block: LEN, NLEN, then LEN bytes copied to the output.
function stored(): void {
  bitBuf = 0;
  bitCnt = 0;
  let len = nextByte();
  len |= nextByte() << 8;
  let nlen = nextByte();
  nlen |= nextByte() << 8;
  if (err != 0) return;
  if (len != (~nlen & 0xffff)) { fail(FE_INFLATE, "stored block length check"); return; }
  if (outPos + len > outCap) { tooLong(); return; }
  while (len > 0) {
    const b = nextByte();
    if (err != 0) return;
    store<u8>(out + outPos, <u8>b);
    outPos++;
    len--;
  }
}

function tooLong(): void {
  fail(FE_EXPANDED_SIZE, "expands beyond ");
  if (err == FE_EXPANDED_SIZE) { textDec(outCap); }
}

// Canonical Huffman decode (puff's fast variant): `bitCnt` < 8 on entry.
function decode(cnt: usize, sym: usize): i32 {
  let bitbuf = bitBuf;
  let left = bitCnt;
  let code: i32 = 0, first: i32 = 0, index: i32 = 0;
  let len: i32 = 1;
  let next = cnt + 2;
  while (true) {
    while (left > 0) {
      left--;
      code |= <i32>(bitbuf & 1);
      bitbuf >>>= 1;
      const count = <i32>load<i16>(next);
      next += 2;
      if (code - count < first) {
        bitBuf = bitbuf;
        bitCnt = (bitCnt - len) & 7;
        return <i32>load<i16>(sym + (<usize>(index + (code - first)) << 1));
      }
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
      len++;
    }
    left = (MAXBITS + 1) - len;
    if (left == 0) break;
    bitbuf = nextByte();
    if (err != 0) return -1;
    if (left > 8) left = 8;
  }
  fail(FE_INFLATE, "invalid Huffman code");
  return -1;
}

// Build (count, symbol) tables from `n` code lengths at LENGTHS.  Answers 0
// for a complete code, > 0 incomplete, < 0 over-subscribed.
function construct(cnt: usize, sym: usize, n: i32): i32 {
  for (let len = 0; len <= MAXBITS; len++) store<i16>(cnt + (<usize>len << 1), 0);
  for (let s = 0; s < n; s++) {
    const l = <usize>load<i16>(LENGTHS + (<usize>s << 1));
    store<i16>(cnt + (l << 1), load<i16>(cnt + (l << 1)) + 1);
  }
  if (<i32>load<i16>(cnt) == n) return 0;
  let left: i32 = 1;
  for (let len = 1; len <= MAXBITS; len++) {
    left <<= 1;
    left -= <i32>load<i16>(cnt + (<usize>len << 1));
    if (left < 0) return left;
  }
  store<i16>(OFFS + 2, 0);
  for (let len = 1; len < MAXBITS; len++) {
    store<i16>(OFFS + (<usize>(len + 1) << 1),
      load<i16>(OFFS + (<usize>len << 1)) + load<i16>(cnt + (<usize>len << 1)));
  }
  for (let s = 0; s < n; s++) {
    const l = <usize>load<i16>(LENGTHS + (<usize>s << 1));
    if (l != 0) {
      const o = <usize>load<i16>(OFFS + (l << 1));
      store<i16>(sym + (o << 1), <i16>s);
      store<i16>(OFFS + (l << 1), <i16>(o + 1));
    }
  }
  return left;
}

// Decode literal/length and distance codes until end-of-block.
function codes(): void {
  while (true) {
    let symbol = decode(LENCNT, LENSYM);
    if (err != 0) return;
    if (symbol < 256) {
      if (outPos >= outCap) { tooLong(); return; }
      store<u8>(out + outPos, <u8>symbol);
      outPos++;
    } else if (symbol == 256) {
      return;
    } else {
      symbol -= 257;
      if (symbol >= 29) { fail(FE_INFLATE, "invalid length symbol"); return; }
      const len = <u32>load<u16>(LBASE + (<usize>symbol << 1)) + bits(<i32>load<u16>(LEXT + (<usize>symbol << 1)));
      const ds = decode(DISTCNT, DISTSYM);
      if (err != 0) return;
      if (ds < 0 || ds >= 30) { fail(FE_INFLATE, "invalid distance symbol"); return; }
      const dist = <u32>load<u16>(DBASE + (<usize>ds << 1)) + bits(<i32>load<u16>(DEXT + (<usize>ds << 1)));
      if (err != 0) return;
      if (dist > outPos) { fail(FE_INFLATE, "distance too far back"); return; }
      if (outPos + len > outCap) { tooLong(); return; }
      let src = out + outPos - dist;
      let dst = out + outPos;
      const end = dst + len;
      if (dist >= len) {
        memory.copy(dst, src, len);
      } else {
        while (dst < end) { store<u8>(dst, load<u8>(src)); dst++; src++; }
      }
      outPos += len;
    }
  }
}

function fixedTables(): void {
  let s = 0;
  for (; s < 144; s++) store<i16>(LENGTHS + (<usize>s << 1), 8);
  for (; s < 256; s++) store<i16>(LENGTHS + (<usize>s << 1), 9);
  for (; s < 280; s++) store<i16>(LENGTHS + (<usize>s << 1), 7);
  for (; s < FIXLCODES; s++) store<i16>(LENGTHS + (<usize>s << 1), 8);
  construct(LENCNT, LENSYM, FIXLCODES);
  for (s = 0; s < MAXDCODES; s++) store<i16>(LENGTHS + (<usize>s << 1), 5);
  construct(DISTCNT, DISTSYM, MAXDCODES);
}

function dynamicTables(): void {
  const nlen = <i32>bits(5) + 257;
  const ndist = <i32>bits(5) + 1;
  const ncode = <i32>bits(4) + 4;
  if (err != 0) return;
  if (nlen > MAXLCODES || ndist > MAXDCODES) { fail(FE_INFLATE, "bad code counts"); return; }
  let index = 0;
  for (; index < ncode; index++) {
    store<i16>(LENGTHS + (<usize>load<u8>(ORDER + <usize>index) << 1), <i16>bits(3));
  }
  for (; index < 19; index++) store<i16>(LENGTHS + (<usize>load<u8>(ORDER + <usize>index) << 1), 0);
  if (err != 0) return;
  if (construct(LENCNT, LENSYM, 19) != 0) { fail(FE_INFLATE, "incomplete code-length code"); return; }
  index = 0;
  while (index < nlen + ndist) {
    let symbol = decode(LENCNT, LENSYM);
    if (err != 0) return;
    if (symbol < 16) {
      store<i16>(LENGTHS + (<usize>index << 1), <i16>symbol);
      index++;
    } else {
      let len: i32 = 0;
      if (symbol == 16) {
        if (index == 0) { fail(FE_INFLATE, "repeat with no first length"); return; }
        len = <i32>load<i16>(LENGTHS + (<usize>(index - 1) << 1));
        symbol = 3 + <i32>bits(2);
      } else if (symbol == 17) {
        symbol = 3 + <i32>bits(3);
      } else {
        symbol = 11 + <i32>bits(7);
      }
      if (err != 0) return;
      if (index + symbol > nlen + ndist) { fail(FE_INFLATE, "too many lengths"); return; }
      while (symbol > 0) { store<i16>(LENGTHS + (<usize>index << 1), <i16>len); index++; symbol--; }
    }
  }
  if (load<i16>(LENGTHS + (256 << 1)) == 0) { fail(FE_INFLATE, "no end-of-block code"); return; }
  let r = construct(LENCNT, LENSYM, nlen);
  if (r < 0 || (r > 0 && nlen - <i32>load<i16>(LENCNT) != 1)) { fail(FE_INFLATE, "bad literal/length code"); return; }
  // distance lengths start at LENGTHS[nlen]: move them down for construct
  memory.copy(LENGTHS, LENGTHS + (<usize>nlen << 1), <usize>ndist << 1);
  r = construct(DISTCNT, DISTSYM, ndist);
  if (r < 0 || (r > 0 && ndist - <i32>load<i16>(DISTCNT) != 1)) { fail(FE_INFLATE, "bad distance code"); return; }
}

// Expand the raw DEFLATE stream at flash [src, src + srcLen) into
// [dst, dst + cap).  Answers the number of bytes written, or an FE_* code
// (text set).  The whole stream must be consumed: trailing bytes are refused.
export function inflate_flash(src: u32, srcLen: u32, dst: usize, cap: u32): i32 {
  inOff = src; inEnd = src + srcLen; inPos = 0; inLen = 0;
  bitBuf = 0; bitCnt = 0;
  out = dst; outPos = 0; outCap = cap;
  err = 0;
  let last: u32 = 0;
  do {
    last = bits(1);
    const type = bits(2);
    if (err != 0) break;
    if (type == 0) stored();
    else if (type == 1) { fixedTables(); codes(); }
    else if (type == 2) { dynamicTables(); if (err == 0) codes(); }
    else fail(FE_INFLATE, "invalid block type");
    if (err != 0) break;
  } while (last == 0);
  if (err != 0) return err;
  const consumed = (inOff - src) - (inLen - inPos);
  if (consumed != srcLen) {
    textError(FE_INFLATE, "stream ends after ");
    textDec(consumed); textStr(" of "); textDec(srcLen); textStr(" bytes");
    return FE_INFLATE;
  }
  return <i32>outPos;
}
