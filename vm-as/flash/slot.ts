// Image slots: header checks, payload CRC-32, expansion into RAM with
// SHA-256 and inner-image checks.  Format in ./layout.ts (FI_*).
//
// A slot is accepted only if every check passes, in this order (the first
// failure names the refusal): magic, version, header CRC-32, word size,
// dispatch, board, codec, sizes (header bytes, payload fits the slot,
// expanded size sane and fits RAM), payload CRC-32, DEFLATE stream (consumes
// exactly the payload, expands to exactly the expanded size), SHA-256,
// inner VM image header (magic, word size, length).

import {
  CODEC_DEFLATE, DISPATCH_SWITCH, FE_BOARD, FE_CODEC, FE_DISPATCH, FE_HEADER_CRC, FE_INNER,
  FE_IO, FE_MAGIC, FE_NO_ROOM, FE_PAYLOAD_CRC, FE_SHA256, FE_SIZES, FE_VERSION, FE_WORD_BITS,
  FI_BOARD_ID_OFF, FI_CODEC_OFF, FI_DISPATCH_OFF, FI_EXPANDED_BYTES_OFF, FI_HEADER_BYTES,
  FI_HEADER_BYTES_OFF, FI_HEADER_CRC_OFF, FI_MAGIC, FI_MAGIC_OFF, FI_MAX_EXPANDED,
  FI_PAYLOAD_BYTES_OFF, FI_PAYLOAD_CRC_OFF, FI_SHA256_OFF, FI_VERSION, FI_VERSION_OFF,
  FI_WORD_BITS_OFF, FL_READ_BUF, FE_EXPANDED_SIZE,
} from "./layout";
import { IH_HEADER_BYTES, IH_HEAP_USED, IH_MAGIC, IH_WORD_BITS, IMAGE_HEADER_BYTES, IMAGE_MAGIC } from "../layout";
import { crc32_begin, crc32_end, crc32_of, crc32_update } from "./crc32";
import { sha256_begin, sha256_end, sha256_update } from "./sha256";
import { INBUF as BUF, inflate_flash } from "./inflate";
import {
  flashRead, geoBoardId, geoSlotSize, geoWordBits, slotOffset, textDec, textError, textHex, textStr,
} from "./io";

// The header of the slot last checked (FI_HEADER_BYTES).
export const HDR: usize = memory.data(FI_HEADER_BYTES, 4);
const DIGEST: usize = memory.data(32, 4);

export function hdrPayloadBytes(): u32 { return load<u32>(HDR + FI_PAYLOAD_BYTES_OFF); }
export function hdrExpandedBytes(): u32 { return load<u32>(HDR + FI_EXPANDED_BYTES_OFF); }

function expectFound(expected: u32, found: u32): void {
  textStr("expected "); textDec(expected); textStr(", found "); textDec(found);
}

// Check the header at HDR (already read).  `room` is the RAM available for
// the expanded image (0xffffffff: do not check).  Answers 0 or FE_*.
export function slot_checkHeader(room: u32): i32 {
  const magic = load<u32>(HDR + FI_MAGIC_OFF);
  if (magic != <u32>FI_MAGIC) {
    if (magic == 0xffffffff) return textError(FE_MAGIC, "slot is erased");
    textError(FE_MAGIC, "found 0x"); textHex(magic);
    return FE_MAGIC;
  }
  const version = <u32>load<u16>(HDR + FI_VERSION_OFF);
  if (version != <u32>FI_VERSION) {
    textError(FE_VERSION, "image has format version "); textDec(version);
    textStr(", this VM reads version "); textDec(<u32>FI_VERSION);
    textStr(" (re-pack the image with this talc)");
    return FE_VERSION;
  }
  const crc = crc32_of(HDR, <u32>FI_HEADER_CRC_OFF);
  if (crc != load<u32>(HDR + FI_HEADER_CRC_OFF)) {
    textError(FE_HEADER_CRC, "stored 0x"); textHex(load<u32>(HDR + FI_HEADER_CRC_OFF));
    textStr(", computed 0x"); textHex(crc);
    return FE_HEADER_CRC;
  }
  const wordBits = <u32>load<u8>(HDR + FI_WORD_BITS_OFF);
  if (wordBits != geoWordBits) {
    textError(FE_WORD_BITS, "image is "); textDec(wordBits); textStr("-bit, this VM is ");
    textDec(geoWordBits); textStr("-bit");
    return FE_WORD_BITS;
  }
  const dispatch = <u32>load<u8>(HDR + FI_DISPATCH_OFF);
  if (dispatch != <u32>DISPATCH_SWITCH) {
    textError(FE_DISPATCH, "technique "); textDec(dispatch);
    return FE_DISPATCH;
  }
  const board = load<u32>(HDR + FI_BOARD_ID_OFF);
  if (board != geoBoardId) {
    textError(FE_BOARD, "image board id 0x"); textHex(board); textStr(", this board 0x"); textHex(geoBoardId);
    return FE_BOARD;
  }
  const codec = <u32>load<u8>(HDR + FI_CODEC_OFF);
  if (codec != <u32>CODEC_DEFLATE) {
    textError(FE_CODEC, "codec "); textDec(codec);
    return FE_CODEC;
  }
  const hb = <u32>load<u16>(HDR + FI_HEADER_BYTES_OFF);
  if (hb != <u32>FI_HEADER_BYTES) {
    textError(FE_SIZES, "header bytes "); expectFound(<u32>FI_HEADER_BYTES, hb);
    return FE_SIZES;
  }
  const payload = hdrPayloadBytes();
  const expanded = hdrExpandedBytes();
  if (payload == 0 || payload > geoSlotSize - <u32>FI_HEADER_BYTES) {
    textError(FE_SIZES, "payload of "); textDec(payload); textStr(" bytes does not fit a slot of ");
    textDec(geoSlotSize);
    return FE_SIZES;
  }
  if (expanded < <u32>IMAGE_HEADER_BYTES || expanded > <u32>FI_MAX_EXPANDED
      || <u64>expanded > <u64>payload * 1032) {
    textError(FE_SIZES, "expanded size "); textDec(expanded); textStr(" impossible for a payload of ");
    textDec(payload);
    return FE_SIZES;
  }
  if (expanded > room) {
    textError(FE_NO_ROOM, "image needs "); textDec(expanded); textStr(" bytes, "); textDec(room);
    textStr(" available");
    return FE_NO_ROOM;
  }
  return 0;
}

// Read and check a slot's header into HDR.
export function slot_readHeader(slot: i32, room: u32): i32 {
  if (!flashRead(slotOffset(slot), HDR, <u32>FI_HEADER_BYTES)) return FE_IO;
  return slot_checkHeader(room);
}

// CRC-32 of the payload as stored in flash, compared with the header's.
export function slot_checkPayload(slot: i32): i32 {
  const base = slotOffset(slot) + <u32>FI_HEADER_BYTES;
  const total = hdrPayloadBytes();
  let c = crc32_begin();
  let done: u32 = 0;
  while (done < total) {
    let n = total - done;
    if (n > <u32>FL_READ_BUF) n = <u32>FL_READ_BUF;
    if (!flashRead(base + done, BUF, n)) return FE_IO;
    c = crc32_update(c, BUF, n);
    done += n;
  }
  const crc = crc32_end(c);
  const want = load<u32>(HDR + FI_PAYLOAD_CRC_OFF);
  if (crc != want) {
    textError(FE_PAYLOAD_CRC, "stored 0x"); textHex(want); textStr(", computed 0x"); textHex(crc);
    return FE_PAYLOAD_CRC;
  }
  return 0;
}

// Full verification and expansion of `slot` into [out, out + cap).  Answers
// the expanded length, or FE_* with the text set.
export function slot_expand(slot: i32, out: usize, cap: u32): i32 {
  let r = slot_readHeader(slot, cap);
  if (r < 0) return r;
  r = slot_checkPayload(slot);
  if (r < 0) return r;
  const expanded = hdrExpandedBytes();
  const n = inflate_flash(slotOffset(slot) + <u32>FI_HEADER_BYTES, hdrPayloadBytes(), out, expanded);
  if (n < 0) return n;
  if (<u32>n != expanded) {
    textError(FE_EXPANDED_SIZE, ""); expectFound(expanded, <u32>n);
    return FE_EXPANDED_SIZE;
  }
  sha256_begin();
  sha256_update(out, expanded);
  sha256_end(DIGEST);
  for (let i: usize = 0; i < 32; i += 4) {
    if (load<u32>(DIGEST + i) != load<u32>(HDR + FI_SHA256_OFF + i)) {
      return textError(FE_SHA256, "");
    }
  }
  return checkInner(out, expanded, <u32>load<u8>(HDR + FI_WORD_BITS_OFF));
}

// The expanded bytes must be a VM image of the header's word size whose own
// header accounts for every byte.
export function checkInner(img: usize, len: u32, wordBits: u32): i32 {
  if (len < <u32>IMAGE_HEADER_BYTES) return textError(FE_INNER, "shorter than a VM image header");
  if (load<u32>(img + IH_MAGIC) != <u32>IMAGE_MAGIC) return textError(FE_INNER, "no TALC magic");
  const wb = <u32>load<u8>(img + IH_WORD_BITS);
  if (wb != wordBits) {
    textError(FE_INNER, "VM image is "); textDec(wb); textStr("-bit, flash header says "); textDec(wordBits);
    return FE_INNER;
  }
  const hb = load<u32>(img + IH_HEADER_BYTES);
  const used = load<u32>(img + IH_HEAP_USED);
  if (hb != <u32>IMAGE_HEADER_BYTES || <u64>hb + <u64>used != <u64>len) {
    textError(FE_INNER, "VM image header accounts for "); textDec(hb + used); textStr(" bytes, found ");
    textDec(len);
    return FE_INNER;
  }
  return <i32>len;
}
