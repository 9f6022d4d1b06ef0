// Boot record journal: which slot boots, whether it is confirmed, how many
// trial boots it has had.  Layout and invariants in ./layout.ts (BR_*).
//
// Two erase sectors at geoBootOff hold 32-byte records.  The state is the
// valid record (magic, CRC-32, sane fields) with the highest sequence number.
// An append programs one erased record place after the newest record in its
// sector; when that sector is full, the other sector is erased first and the
// record goes to its place 0.  So at any cut:
//   - during a program: the new place fails its CRC, the previous record rules;
//   - during the erase: the newest record is in the sector not being erased.

import {
  BR_ACTIVE_OFF, BR_ATTEMPTS_OFF, BR_BYTES, BR_CRC_OFF, BR_FALLBACK_OFF, BR_MAGIC,
  BR_MAGIC_OFF, BR_SEQ_OFF, BR_STATE_OFF, BS_CONFIRMED, BS_TRIAL, FE_IO, NO_SLOT,
} from "./layout";
import { crc32_of } from "./crc32";
import { flashErase, flashProgram, flashRead, geoBootOff, geoSector, textError } from "./io";

const REC: usize = memory.data(BR_BYTES, 4);

// The current state (valid after br_scan).
export let brFound: bool = false;
export let brSeq: u32 = 0;
export let brActive: i32 = 0;
export let brState: i32 = 0;
export let brAttempts: i32 = 0;
export let brFallback: i32 = NO_SLOT;
let brSectorIx: u32 = 0;   // sector (0/1) holding the newest record
let brPlace: u32 = 0;      // its place in that sector

function placeOffset(sector: u32, place: u32): u32 {
  return geoBootOff + sector * geoSector + place * <u32>BR_BYTES;
}

function recValid(): bool {
  if (load<u32>(REC + BR_MAGIC_OFF) != <u32>BR_MAGIC) return false;
  if (load<u32>(REC + BR_CRC_OFF) != crc32_of(REC, <u32>BR_CRC_OFF)) return false;
  const active = <i32>load<u8>(REC + BR_ACTIVE_OFF);
  const state = <i32>load<u8>(REC + BR_STATE_OFF);
  const fallback = <i32>load<u8>(REC + BR_FALLBACK_OFF);
  if (active > 1) return false;
  if (state != BS_CONFIRMED && state != BS_TRIAL) return false;
  if (fallback != NO_SLOT && (fallback > 1 || fallback == active)) return false;
  return true;
}

function recErased(): bool {
  for (let i: usize = 0; i < <usize>BR_BYTES; i += 4) {
    if (load<u32>(REC + i) != 0xffffffff) return false;
  }
  return true;
}

// Read the journal.  Answers false on a flash read failure (text set).
export function br_scan(): bool {
  brFound = false;
  const places = geoSector / <u32>BR_BYTES;
  for (let s: u32 = 0; s < 2; s++) {
    for (let p: u32 = 0; p < places; p++) {
      if (!flashRead(placeOffset(s, p), REC, <u32>BR_BYTES)) return false;
      if (!recValid()) continue;
      const seq = load<u32>(REC + BR_SEQ_OFF);
      if (brFound && seq <= brSeq) continue;
      brFound = true;
      brSeq = seq;
      brActive = <i32>load<u8>(REC + BR_ACTIVE_OFF);
      brState = <i32>load<u8>(REC + BR_STATE_OFF);
      brAttempts = <i32>load<u8>(REC + BR_ATTEMPTS_OFF);
      brFallback = <i32>load<u8>(REC + BR_FALLBACK_OFF);
      brSectorIx = s;
      brPlace = p;
    }
  }
  return true;
}

// Find an erased place: after the newest record in its sector, else (none
// found, or no record yet) the first erased place of sector 0 or 1.  Answers
// sector * 65536 + place, or -1 if there is none.
function findErased(sector: u32, from: u32): i32 {
  const places = geoSector / <u32>BR_BYTES;
  for (let p = from; p < places; p++) {
    if (!flashRead(placeOffset(sector, p), REC, <u32>BR_BYTES)) return -2;
    if (recErased()) return <i32>(sector * 65536 + p);
  }
  return -1;
}

// Append a record; on success the br* state describes it.  Answers 0 or an
// FE_* code (text set).
export function br_append(active: i32, state: i32, attempts: i32, fallback: i32): i32 {
  let where: i32 = -1;
  if (brFound) {
    where = findErased(brSectorIx, brPlace + 1);
    if (where == -2) return FE_IO;
    if (where < 0) {
      const other = 1 - brSectorIx;
      if (!flashErase(geoBootOff + other * geoSector)) return FE_IO;
      where = <i32>(other * 65536);
    }
  } else {
    where = findErased(0, 0);
    if (where == -1) where = findErased(1, 0);
    if (where == -2) return FE_IO;
    if (where < 0) {
      if (!flashErase(geoBootOff)) return FE_IO;
      where = 0;
    }
  }
  const seq: u32 = brFound ? brSeq + 1 : 1;
  memory.fill(REC, 0, <usize>BR_BYTES);
  store<u32>(REC + BR_MAGIC_OFF, <u32>BR_MAGIC);
  store<u32>(REC + BR_SEQ_OFF, seq);
  store<u8>(REC + BR_ACTIVE_OFF, <u8>active);
  store<u8>(REC + BR_STATE_OFF, <u8>state);
  store<u8>(REC + BR_ATTEMPTS_OFF, <u8>(attempts > 255 ? 255 : attempts));
  store<u8>(REC + BR_FALLBACK_OFF, <u8>fallback);
  store<u32>(REC + BR_CRC_OFF, crc32_of(REC, <u32>BR_CRC_OFF));
  const sector = <u32>where >>> 16;
  const place = <u32>where & 0xffff;
  if (!flashProgram(placeOffset(sector, place), REC, <u32>BR_BYTES)) return FE_IO;
  // read back: a flash that did not take the record must not be trusted
  if (!flashRead(placeOffset(sector, place), REC, <u32>BR_BYTES)) return FE_IO;
  if (!recValid() || load<u32>(REC + BR_SEQ_OFF) != seq) {
    return textError(FE_IO, "boot record did not read back");
  }
  brFound = true;
  brSeq = seq;
  brActive = active;
  brState = state;
  brAttempts = attempts > 255 ? 255 : attempts;
  brFallback = fallback;
  brSectorIx = sector;
  brPlace = place;
  return 0;
}
