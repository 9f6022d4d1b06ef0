// Writing a new image into the inactive slot: the update protocol shared by
// the host tools (which run this very code against a simulated flash) and a
// running VM (snapshot).
//
//   beginUpdate(total)   settle the journal (an untested trial image is
//                        abandoned: the confirmed one becomes active again),
//                        pick the slot no record refers to, erase its sectors
//   writeChunk(ptr,len)  bytes of the flash image (header + payload), in order
//   commitUpdate()       check header + payload CRC as stored, then append
//                        the record {active: new, TRIAL, 0, fallback: old}
//
// Until the commit record is programmed no record names the target slot, so
// a cut anywhere boots the old image; after it, the new one is tried
// geoMaxAttempts times before the old one is restored.

import {
  BS_CONFIRMED, BS_TRIAL, FE_IO, FE_SIZES, FE_SLOT_FULL, FE_STATE, FE_TRUNCATED,
  FI_BOARD_ID_OFF, FI_BOARD_NAME_OFF, FI_CODEC_OFF, FI_DISPATCH_OFF, FI_EXPANDED_BYTES_OFF,
  FI_FLAG_SNAPSHOT, FI_FLAGS_OFF, FI_HEADER_BYTES, FI_HEADER_BYTES_OFF, FI_HEADER_CRC_OFF,
  FI_HEAP_WANTED_OFF, FI_MAGIC, FI_MAGIC_OFF, FI_PAYLOAD_BYTES_OFF, FI_PAYLOAD_CRC_OFF,
  FI_SERIAL_OFF, FI_SHA256_OFF, FI_VERSION, FI_VERSION_OFF, FI_WORD_BITS_OFF, FI_BOARD_NAME_BYTES,
  CODEC_DEFLATE, DISPATCH_SWITCH, FL_PAGE_BUF, NO_SLOT,
} from "./layout";
import { IH_HEAP_WANTED } from "../layout";
import { deflate_fixed, deflate_outBytes, deflate_outCrc } from "./deflate";
import { br_append, br_scan, brActive, brFallback, brFound, brState } from "./bootrec";
import { crc32_begin, crc32_end, crc32_of, crc32_update } from "./crc32";
import { sha256_begin, sha256_end, sha256_update } from "./sha256";
import { HDR, checkInner, slot_checkPayload, slot_readHeader } from "./slot";
import {
  flashErase, flashProgram, geoReady, geoSector, geoSlotSize, geoWordBits, geoBoardId,
  slotOffset, textDec, textError, textStr,
} from "./io";

const PAGE: usize = memory.data(FL_PAGE_BUF, 4);
const HDR_NEW: usize = memory.data(FI_HEADER_BYTES, 4);
let updActive: bool = false;
let updTarget: i32 = 0;
let updTotal: u32 = 0;
let updPos: u32 = 0;       // bytes received
let pageFill: u32 = 0;     // bytes in PAGE (start at updPos - pageFill)
let updHadRecord: bool = false;
let updPrevious: i32 = NO_SLOT;

// Answers the target slot (0/1), or FE_*.
export function update_begin(total: u32): i32 {
  updActive = false;
  if (!geoReady) return textError(-18, "call flash_setup first");
  if (total < <u32>FI_HEADER_BYTES || total > geoSlotSize) {
    textError(FE_SLOT_FULL, "image of "); textDec(total); textStr(" bytes, slot holds ");
    textDec(geoSlotSize);
    return FE_SLOT_FULL;
  }
  if (!br_scan()) return FE_IO;
  if (brFound && brState == BS_TRIAL && brFallback != NO_SLOT) {
    // abandon the untested image: the confirmed one is active again
    const r = br_append(brFallback, BS_CONFIRMED, 0, NO_SLOT);
    if (r < 0) return r;
  }
  updHadRecord = brFound;
  if (brFound) {
    updPrevious = brActive;
  } else {
    // no journal (fresh flash, or both record sectors lost): an image that
    // verifies in slot 0 is kept as the fallback, the update goes to slot 1
    updPrevious = slot_readHeader(0, 0xffffffff) == 0 && slot_checkPayload(0) == 0 ? 0 : NO_SLOT;
  }
  updTarget = updPrevious == NO_SLOT ? 0 : 1 - updPrevious;
  const base = slotOffset(updTarget);
  for (let off: u32 = 0; off < total; off += geoSector) {
    if (!flashErase(base + off)) return FE_IO;
  }
  updTotal = total;
  updPos = 0;
  pageFill = 0;
  updActive = true;
  return updTarget;
}

function flushPage(): bool {
  if (pageFill == 0) return true;
  const at = slotOffset(updTarget) + updPos - pageFill;
  if (!flashProgram(at, PAGE, pageFill)) return false;
  pageFill = 0;
  return true;
}

export function update_write(ptr: usize, len: u32): i32 {
  if (!updActive) return textError(FE_STATE, "no update in progress");
  if (<u64>updPos + <u64>len > <u64>updTotal) {
    updActive = false;
    textError(FE_SIZES, "more bytes than announced ("); textDec(updTotal); textStr(")");
    return FE_SIZES;
  }
  let p = ptr;
  let n = len;
  while (n > 0) {
    let take = <u32>FL_PAGE_BUF - pageFill;
    if (take > n) take = n;
    memory.copy(PAGE + pageFill, p, take);
    pageFill += take;
    updPos += take;
    p += take;
    n -= take;
    if (pageFill == <u32>FL_PAGE_BUF && !flushPage()) { updActive = false; return FE_IO; }
  }
  return 0;
}

// Answers the slot that will boot next (the new one), or FE_*.
export function update_commit(): i32 {
  if (!updActive) return textError(FE_STATE, "no update in progress");
  updActive = false;
  if (!flushPage()) return FE_IO;
  if (updPos != updTotal) {
    textError(FE_TRUNCATED, "received "); textDec(updPos); textStr(" of "); textDec(updTotal);
    textStr(" bytes");
    return FE_TRUNCATED;
  }
  let r = slot_readHeader(updTarget, 0xffffffff);
  if (r < 0) return r;
  if (<u64>FI_HEADER_BYTES + <u64>load<u32>(HDR + FI_PAYLOAD_BYTES_OFF) != <u64>updTotal) {
    textError(FE_SIZES, "header announces "); textDec(<u32>FI_HEADER_BYTES + load<u32>(HDR + FI_PAYLOAD_BYTES_OFF));
    textStr(" bytes, received "); textDec(updTotal);
    return FE_SIZES;
  }
  r = slot_checkPayload(updTarget);
  if (r < 0) return r;
  // the journal is re-read: nothing else may have changed it meanwhile
  if (!br_scan()) return FE_IO;
  const unchanged = updHadRecord ? brFound && brActive == updPrevious : !brFound;
  if (updPrevious != NO_SLOT && unchanged) {
    r = br_append(updTarget, BS_TRIAL, 0, updPrevious);
  } else {
    r = br_append(updTarget, BS_CONFIRMED, 0, NO_SLOT);
  }
  if (r < 0) return r;
  return updTarget;
}

// ---- snapshot: a running VM writes its image -----------------------------
// The payload is one fixed-Huffman DEFLATE block from ./deflate.ts (greedy
// LZ77), or DEFLATE stored blocks when that is not smaller:
//   per stored block of up to 65535 bytes: u8 BFINAL, u16 LEN, u16 ~LEN, LEN bytes.
const BLOCK_MAX: u32 = 65535;
const BLK: usize = memory.data(8, 4);

function blockHeader(last: bool, len: u32): void {
  store<u8>(BLK, last ? 1 : 0);
  store<u16>(BLK + 1, <u16>len);
  store<u16>(BLK + 3, <u16>(~len & 0xffff));
}

// Write the VM image at [img, img + len) into the inactive slot and make it
// the trial image.  `serial` goes into the header.  Answers the slot or FE_*.
export function update_snapshot(img: usize, len: u32, serial: u32, bootedSlot: i32): i32 {
  let r = checkInner(img, len, geoWordBits);
  if (r < 0) return r;
  const blocks: u32 = len == 0 ? 1 : (len + BLOCK_MAX - 1) / BLOCK_MAX;
  // pass 1 (nothing written): payload length and CRC-32 of both encodings
  deflate_fixed(img, len, false);
  const packed = deflate_outBytes();
  const packedCrc = deflate_outCrc();
  const stored = packed >= len + blocks * 5;
  let payload = packed;
  let c = crc32_begin();
  if (stored) {
    payload = len + blocks * 5;
    for (let b: u32 = 0; b < blocks; b++) {
      const start = b * BLOCK_MAX;
      const n = len - start < BLOCK_MAX ? len - start : BLOCK_MAX;
      blockHeader(b == blocks - 1, n);
      c = crc32_update(c, BLK, 5);
      c = crc32_update(c, img + start, n);
    }
  }
  const payloadCrc = stored ? crc32_end(c) : packedCrc;
  sha256_begin();
  sha256_update(img, len);
  memory.fill(HDR_NEW, 0, <usize>FI_HEADER_BYTES);
  sha256_end(HDR_NEW + FI_SHA256_OFF);
  // board name: the one of the image that booted, when it can be read
  if (bootedSlot >= 0 && bootedSlot <= 1 && slot_readHeader(bootedSlot, 0xffffffff) == 0) {
    memory.copy(HDR_NEW + FI_BOARD_NAME_OFF, HDR + FI_BOARD_NAME_OFF, <usize>FI_BOARD_NAME_BYTES);
  }
  store<u32>(HDR_NEW + FI_MAGIC_OFF, <u32>FI_MAGIC);
  store<u16>(HDR_NEW + FI_VERSION_OFF, <u16>FI_VERSION);
  store<u8>(HDR_NEW + FI_WORD_BITS_OFF, <u8>geoWordBits);
  store<u8>(HDR_NEW + FI_DISPATCH_OFF, <u8>DISPATCH_SWITCH);
  store<u16>(HDR_NEW + FI_HEADER_BYTES_OFF, <u16>FI_HEADER_BYTES);
  store<u8>(HDR_NEW + FI_CODEC_OFF, <u8>CODEC_DEFLATE);
  store<u8>(HDR_NEW + FI_FLAGS_OFF, <u8>FI_FLAG_SNAPSHOT);
  store<u32>(HDR_NEW + FI_BOARD_ID_OFF, geoBoardId);
  store<u32>(HDR_NEW + FI_PAYLOAD_BYTES_OFF, payload);
  store<u32>(HDR_NEW + FI_EXPANDED_BYTES_OFF, len);
  store<u32>(HDR_NEW + FI_PAYLOAD_CRC_OFF, payloadCrc);
  store<u32>(HDR_NEW + FI_HEAP_WANTED_OFF, load<u32>(img + IH_HEAP_WANTED));
  store<u32>(HDR_NEW + FI_SERIAL_OFF, serial);
  store<u32>(HDR_NEW + FI_HEADER_CRC_OFF, crc32_of(HDR_NEW, <u32>FI_HEADER_CRC_OFF));
  // pass 2: program
  r = update_begin(<u32>FI_HEADER_BYTES + payload);
  if (r < 0) return r;
  r = update_write(HDR_NEW, <u32>FI_HEADER_BYTES);
  if (r < 0) return r;
  if (stored) {
    for (let b: u32 = 0; b < blocks; b++) {
      const start = b * BLOCK_MAX;
      const n = len - start < BLOCK_MAX ? len - start : BLOCK_MAX;
      blockHeader(b == blocks - 1, n);
      r = update_write(BLK, 5);
      if (r < 0) return r;
      r = update_write(img + start, n);
      if (r < 0) return r;
    }
  } else {
    r = deflate_fixed(img, len, true);
    if (r < 0) return r;
    if (deflate_outBytes() != payload) return textError(FE_STATE, "snapshot encoder is not deterministic");
  }
  return update_commit();
}
