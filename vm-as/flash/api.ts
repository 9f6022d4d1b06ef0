// The flash exports (re-exported by vm-as/index.ts and by ./standalone.ts).
// Integers and linear-memory buffers only; a negative answer is an FE_* code
// (./layout.ts) with a reason in flash_errorText()/flash_errorTextLength().

import { BR_BYTES, BR_SECTORS, FE_GEOMETRY, FE_WORD_BITS, FI_HEADER_BYTES, FI_SERIAL_OFF, FL_PAGE_BUF, FL_TEXT_BUF } from "./layout";
import {
  geoBootOff, geoFlashSize, geoSector, geoSlot0, geoSlot1, geoSlotSize, textClear, textError,
  textLen, textPtr,
} from "./io";
import * as io from "./io";
import { brActive, brAttempts, brFallback, brFound, brSeq, brState, br_scan } from "./bootrec";
import { boot_confirm, boot_reject, boot_run, bootedSlot } from "./boot";
import { HDR, slot_expand, slot_readHeader } from "./slot";
import { update_begin, update_commit, update_snapshot, update_write } from "./update";
import { INFLATE_RAM_BYTES } from "./inflate";
import { SHA256_RAM_BYTES } from "./sha256";
import { DEFLATE_RAM_BYTES } from "./deflate";

function overlaps(a: u32, alen: u32, b: u32, blen: u32): bool {
  return a < b + blen && b < a + alen;
}

// Word size of the VM that will run the images (16 or 32; 32 until called):
// the images booted, written and snapshotted must have it.  A board's
// firmware carries one VM build; hosts call this after flash_setup when the
// board's VM is 16-bit.  Answers 0 or FE_WORD_BITS.
export function flash_setWordBits(bits: u32): i32 {
  textClear();
  if (bits != 16 && bits != 32) return textError(FE_WORD_BITS, "a VM is 16- or 32-bit");
  io.geoWordBits = bits;
  return 0;
}

// Describe the board's flash.  Offsets/sizes in bytes; everything a multiple
// of the sector size; boot journal = 2 sectors at bootOff.  Answers 0 or FE_GEOMETRY.
export function flash_setup(boardId: u32, flashSize: u32, sectorSize: u32, bootOff: u32,
                            slot0: u32, slot1: u32, slotSize: u32, maxAttempts: u32): i32 {
  textClear();
  io.geoReady = false;
  if (sectorSize < 256 || (sectorSize & (sectorSize - 1)) != 0
      || (bootOff | slot0 | slot1 | slotSize) & (sectorSize - 1)
      || slotSize < sectorSize || maxAttempts < 1 || maxAttempts > 100) {
    return textError(FE_GEOMETRY, "sizes must be multiples of a power-of-two sector >= 256");
  }
  const boot = <u32>BR_SECTORS * sectorSize;
  if (<u64>bootOff + boot > <u64>flashSize || <u64>slot0 + slotSize > <u64>flashSize
      || <u64>slot1 + slotSize > <u64>flashSize
      || overlaps(bootOff, boot, slot0, slotSize) || overlaps(bootOff, boot, slot1, slotSize)
      || overlaps(slot0, slotSize, slot1, slotSize)) {
    return textError(FE_GEOMETRY, "regions overlap or exceed the flash");
  }
  io.geoBoardId = boardId;
  io.geoFlashSize = flashSize;
  io.geoSector = sectorSize;
  io.geoBootOff = bootOff;
  io.geoSlot0 = slot0;
  io.geoSlot1 = slot1;
  io.geoSlotSize = slotSize;
  io.geoMaxAttempts = maxAttempts;
  io.geoReady = true;
  return 0;
}

function ready(): bool {
  textClear();
  if (!io.geoReady) { textError(FE_GEOMETRY, "call flash_setup first"); return false; }
  return true;
}

// Boot: expand the image that should run into [out, out + cap).  Answers its
// length, or FE_* (the previous image is already restored when possible).
export function flash_boot(out: usize, cap: u32): i32 {
  if (!ready()) return FE_GEOMETRY;
  return boot_run(out, cap);
}
export function flash_bootedSlot(): i32 { return bootedSlot; }
export function flash_confirm(): i32 { if (!ready()) return FE_GEOMETRY; return boot_confirm(); }
export function flash_reject(): i32 { if (!ready()) return FE_GEOMETRY; return boot_reject(); }

// Update: see ./update.ts.
export function flash_beginUpdate(total: u32): i32 { if (!ready()) return FE_GEOMETRY; return update_begin(total); }
export function flash_writeChunk(ptr: usize, len: u32): i32 { textClear(); return update_write(ptr, len); }
export function flash_commitUpdate(): i32 { textClear(); return update_commit(); }

// Snapshot: the running VM's plain image at [img, img + len) becomes the
// trial image in the inactive slot (boots next, falls back if it fails).
export function flash_snapshot(img: usize, len: u32): i32 {
  if (!ready()) return FE_GEOMETRY;
  // the running image: the one booted here, else the journal's active slot
  let running = bootedSlot;
  if (running < 0) {
    if (!br_scan()) return io.lastError;
    if (brFound) running = brActive;
  }
  let serial: u32 = 1;
  if (running >= 0 && slot_readHeader(running, 0xffffffff) == 0) {
    serial = load<u32>(HDR + FI_SERIAL_OFF) + 1;
  }
  textClear();
  return update_snapshot(img, len, serial, running);
}

// Verify one slot completely (expanding into the buffer); answers the length or FE_*.
export function flash_verifySlot(slot: i32, out: usize, cap: u32): i32 {
  if (!ready()) return FE_GEOMETRY;
  if (slot < 0 || slot > 1) return textError(FE_GEOMETRY, "slot must be 0 or 1");
  return slot_expand(slot, out, cap);
}

// Journal state: flash_scan() answers 1 (record found), 0 (none) or FE_IO.
export function flash_scan(): i32 {
  if (!ready()) return FE_GEOMETRY;
  if (!br_scan()) return io.lastError;
  return brFound ? 1 : 0;
}
export function flash_recordSeq(): u32 { return brSeq; }
export function flash_recordActive(): i32 { return brActive; }
export function flash_recordState(): i32 { return brState; }
export function flash_recordAttempts(): i32 { return brAttempts; }
export function flash_recordFallback(): i32 { return brFallback; }

export function flash_errorText(): usize { return textPtr(); }
export function flash_errorTextLength(): u32 { return textLen; }

// Static RAM used by vm-as/flash besides the output buffer (bytes): the
// decoder (inflate + SHA-256 + CRC table + slot buffers) and the writer.
export function flash_decoderRamBytes(): i32 {
  return INFLATE_RAM_BYTES + SHA256_RAM_BYTES + 1024 /* CRC table */
    + FI_HEADER_BYTES /* slot header */ + 32 /* digest */ + BR_BYTES /* boot record */ + FL_TEXT_BUF;
}
// Static RAM of the update path: program page, new header, stored-block
// header, and (snapshots) the compressor's hash table and staging buffer.
export function flash_writerRamBytes(): i32 { return FL_PAGE_BUF + FI_HEADER_BYTES + 8 + DEFLATE_RAM_BYTES; }
