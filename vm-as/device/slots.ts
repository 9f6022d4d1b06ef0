// What the protocol engine needs from vm-as/flash: switching the boot record
// to a freshly written slot, its refusal text, SHA-256 of a flash range.
// The boot-record and image-format logic stays in vm-as/flash; this file
// only calls it.

import { BS_TRIAL, BS_CONFIRMED, NO_SLOT, FE_IO } from "../flash/layout";
import { slot_readHeader, slot_checkPayload, hdrPayloadBytes } from "../flash/slot";
import { FI_HEADER_BYTES } from "../flash/layout";
import { br_scan, br_append, brFound, brActive, brState, brFallback } from "../flash/bootrec";
import { textPtr, textLen, textClear, flashRead } from "../flash/io";
import { sha256_begin, sha256_update, sha256_end } from "../flash/sha256";

const SHA_BUF: i32 = 256;
const shaBuf: usize = memory.data(SHA_BUF, 4);

// The boot record as last read by slots_scan (NO_SLOT: none).
export let recActive: i32 = NO_SLOT;
export let recFallback: i32 = NO_SLOT;   // only while the active slot is on trial

/** Read the boot record journal; false when the flash read failed. */
export function slots_scan(): bool {
  recActive = NO_SLOT;
  recFallback = NO_SLOT;
  if (!br_scan()) return false;
  if (!brFound) return true;
  recActive = brActive;
  if (brState == BS_TRIAL) recFallback = brFallback;
  return true;
}

/** Verify `slot` (header checks and payload CRC-32: everything that needs no
 *  RAM for the expanded image — the boot path checks the SHA-256 and falls
 *  back if it fails) and make it the trial boot with the current active slot
 *  as its fallback; the same record update_commit (vm-as/flash/update.ts)
 *  appends.  0, or an FE_* code with slots_errorText set. */
export function slots_setActive(slot: i32): i32 {
  textClear();
  let r = slot_readHeader(slot, 0xffffffff);
  if (r < 0) return r;
  r = slot_checkPayload(slot);
  if (r < 0) return r;
  if (!br_scan()) return FE_IO;
  if (brFound && brActive != slot) r = br_append(slot, BS_TRIAL, 0, brActive);
  else r = br_append(slot, BS_CONFIRMED, 0, NO_SLOT);
  if (r < 0) return r;
  slots_scan();
  return 0;
}

export function slots_errorText(): usize { return textPtr(); }
export function slots_errorTextLength(): i32 { return <i32>textLen; }

export function slots_sha256Supported(): bool { return true; }

/** SHA-256 of flash [off, off+len) into out (32 bytes); 0 or -1. */
export function slots_sha256(off: u32, len: u32, out: usize): i32 {
  sha256_begin();
  let done: u32 = 0;
  while (done < len) {
    let k = len - done;
    if (k > <u32>SHA_BUF) k = <u32>SHA_BUF;
    if (!flashRead(off + done, shaBuf, k)) return -1;
    sha256_update(shaBuf, k);
    done += k;
  }
  sha256_end(out);
  return 0;
}

/** Bytes of the flash image (header + payload) in `slot`, 0 if its header is refused. */
export function slots_imageLength(slot: i32): u32 {
  if (slot_readHeader(slot, 0xffffffff) < 0) return 0;
  return <u32>FI_HEADER_BYTES + hdrPayloadBytes();
}
