// Flash access (imports of module "talc"), the board's flash geometry, and
// the refusal text.  Everything the other vm-as/flash files share.
//
// Imports (offsets are bytes from the start of the flash device):
//   flash_read(offset, ptr, len): i32     copy flash bytes into linear memory
//   flash_erase(sectorOffset): i32        set one erase sector to 0xFF
//   flash_program(offset, ptr, len): i32  AND bytes into flash (only clears bits)
// Each answers 0, or < 0 when the device reports a failure.  A host may also
// never return (power cut): every on-flash state change below is ordered so
// that stopping after any single operation leaves a bootable flash.

import { FE_IO, FL_TEXT_BUF, flashErrorMessage } from "./layout";

@external("talc", "flash_read")
declare function talc_flash_read(offset: u32, ptr: usize, len: u32): i32;
@external("talc", "flash_erase")
declare function talc_flash_erase(sectorOffset: u32): i32;
@external("talc", "flash_program")
declare function talc_flash_program(offset: u32, ptr: usize, len: u32): i32;

// ---- geometry (flash_setup) -------------------------------------------------
export let geoReady: bool = false;
export let geoFlashSize: u32 = 0;
export let geoSector: u32 = 0;       // erase sector bytes, power of two
export let geoBootOff: u32 = 0;      // boot record journal: 2 sectors from here
export let geoSlot0: u32 = 0;
export let geoSlot1: u32 = 0;
export let geoSlotSize: u32 = 0;     // bytes per slot, multiple of geoSector
export let geoBoardId: u32 = 0;
export let geoMaxAttempts: u32 = 3;
export let geoWordBits: u32 = 32;    // word size of this VM build: 32, or 16 (flash_setWordBits)

export function slotOffset(slot: i32): u32 {
  return slot == 0 ? geoSlot0 : geoSlot1;
}

// ---- flash operations ---------------------------------------------------------
// A failing operation sets the error text and answers false.
export function flashRead(offset: u32, ptr: usize, len: u32): bool {
  if (talc_flash_read(offset, ptr, len) < 0) {
    textError(FE_IO, "read at 0x"); textHex(offset); return false;
  }
  return true;
}

export function flashErase(sectorOffset: u32): bool {
  if (talc_flash_erase(sectorOffset) < 0) {
    textError(FE_IO, "erase of sector 0x"); textHex(sectorOffset); return false;
  }
  return true;
}

export function flashProgram(offset: u32, ptr: usize, len: u32): bool {
  if (talc_flash_program(offset, ptr, len) < 0) {
    textError(FE_IO, "program at 0x"); textHex(offset); return false;
  }
  return true;
}

// ---- refusal text (ASCII, in static memory) --------------------------------
const TEXT: usize = memory.data(FL_TEXT_BUF);
export let textLen: u32 = 0;
export let lastError: i32 = 0;

export function textPtr(): usize { return TEXT; }

export function textClear(): void { textLen = 0; lastError = 0; }

export function textStr(s: string): void {
  const n = s.length;
  for (let i = 0; i < n && textLen < <u32>FL_TEXT_BUF; i++) {
    const c = s.charCodeAt(i);
    store<u8>(TEXT + textLen, c < 0x80 ? <u8>c : <u8>0x3f);
    textLen++;
  }
}

export function textDec(v: u32): void {
  let div: u32 = 1000000000;
  let started = false;
  for (let i = 0; i < 10; i++) {
    const d = (v / div) % 10;
    if (d != 0 || started || div == 1) {
      started = true;
      if (textLen < <u32>FL_TEXT_BUF) { store<u8>(TEXT + textLen, <u8>(0x30 + d)); textLen++; }
    }
    div /= 10;
  }
}

export function textHex(v: u32): void {
  for (let s = 28; s >= 0; s -= 4) {
    const d = (v >>> s) & 15;
    if (textLen < <u32>FL_TEXT_BUF) {
      store<u8>(TEXT + textLen, <u8>(d < 10 ? 0x30 + d : 0x57 + d));
      textLen++;
    }
  }
}

// Start a refusal: "<fixed message>: <detail>" (the caller appends more).
// Answers the code so callers can `return textError(...)`.
export function textError(code: i32, detail: string): i32 {
  textLen = 0;
  lastError = code;
  textStr(flashErrorMessage(code));
  if (detail.length > 0) { textStr(": "); textStr(detail); }
  return code;
}

// Prefix the current text with "slot N: " (used when a slot is refused).
export function textPrefixSlot(slot: i32): void {
  const pre: u32 = 8;
  const n = textLen + pre <= <u32>FL_TEXT_BUF ? textLen : <u32>FL_TEXT_BUF - pre;
  memory.copy(TEXT + pre, TEXT, n);
  store<u8>(TEXT + 0, 0x73); store<u8>(TEXT + 1, 0x6c); store<u8>(TEXT + 2, 0x6f); store<u8>(TEXT + 3, 0x74);
  store<u8>(TEXT + 4, 0x20); store<u8>(TEXT + 5, <u8>(0x30 + slot)); store<u8>(TEXT + 6, 0x3a); store<u8>(TEXT + 7, 0x20);
  textLen = n + pre;
}
