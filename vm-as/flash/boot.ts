// Boot: choose the slot from the journal, verify it, expand it into RAM.
//
//   no record    try slot 0, then slot 1; the first that verifies is
//                recorded as CONFIRMED and boots
//   TRIAL        attempts >= max: restore the fallback (CONFIRMED) and boot it;
//                else record attempts + 1 *before* trying, so a crash or
//                reset during this boot counts; a slot that fails to verify
//                restores the fallback at once
//   CONFIRMED    boot the active slot; if it no longer verifies, boot the
//                other slot if that verifies (and record it)
//
// The host (or firmware) calls boot_confirm() once the VM accepted the image,
// or boot_reject() if the VM refused it (then boots again).

import { BS_CONFIRMED, BS_TRIAL, FE_NO_IMAGE, FE_STATE, NO_SLOT } from "./layout";
import { br_append, br_scan, brActive, brAttempts, brFallback, brFound, brState } from "./bootrec";
import { slot_expand, slot_readHeader } from "./slot";
import { FE_IO } from "./layout";
import { geoMaxAttempts, textClear, textDec, textError, textPrefixSlot, textStr } from "./io";

export let bootedSlot: i32 = -1;

function tryslot(slot: i32, out: usize, cap: u32): i32 {
  const r = slot_expand(slot, out, cap);
  if (r < 0) textPrefixSlot(slot);
  else bootedSlot = slot;
  return r;
}

// Boot a confirmed `slot`, else the other one.
function bootConfirmed(slot: i32, out: usize, cap: u32): i32 {
  const r = tryslot(slot, out, cap);
  if (r >= 0) return r;
  const other = 1 - slot;
  const r2 = slot_expand(other, out, cap);
  if (r2 < 0) {
    // report the active slot's refusal: it is the one that should boot
    tryslot(slot, out, cap);
    return r;
  }
  bootedSlot = other;
  const w = br_append(other, BS_CONFIRMED, 0, NO_SLOT);
  if (w < 0) return w;
  return r2;
}

export function boot_run(out: usize, cap: u32): i32 {
  bootedSlot = -1;
  if (!br_scan()) return FE_IO;
  if (!brFound) {
    let r = tryslot(0, out, cap);
    if (r < 0) {
      r = tryslot(1, out, cap);
      if (r < 0) return tryslot(0, out, cap); // report slot 0, where an image belongs first
    }
    const w = br_append(bootedSlot, BS_CONFIRMED, 0, NO_SLOT);
    if (w < 0) return w;
    return r;
  }
  if (brState == BS_TRIAL && brFallback != NO_SLOT) {
    const fallback = brFallback;
    if (<u32>brAttempts >= geoMaxAttempts) {
      const abandoned = brActive;
      const attempts = <u32>brAttempts;
      const w = br_append(fallback, BS_CONFIRMED, 0, NO_SLOT);
      if (w < 0) return w;
      const r = bootConfirmed(fallback, out, cap);
      if (r >= 0) {
        // not an error: a note for the host ("why is the old image back?")
        textClear();
        textStr("trial image abandoned after "); textDec(attempts); textStr(" boots without confirmation");
        textPrefixSlot(abandoned);
      }
      return r;
    }
    const active = brActive;
    const w = br_append(active, BS_TRIAL, brAttempts + 1, fallback);
    if (w < 0) return w;
    const r = tryslot(active, out, cap);
    if (r >= 0) return r;
    const w2 = br_append(fallback, BS_CONFIRMED, 0, NO_SLOT);
    if (w2 < 0) return w2;
    return bootConfirmed(fallback, out, cap);
  }
  return bootConfirmed(brActive, out, cap);
}

// The booted image works: make it the confirmed one.
export function boot_confirm(): i32 {
  if (bootedSlot < 0) return textError(FE_STATE, "nothing booted");
  if (!br_scan()) return FE_IO;
  if (brFound && brActive == bootedSlot && brState == BS_CONFIRMED) return 0;
  return br_append(bootedSlot, BS_CONFIRMED, 0, NO_SLOT);
}

// The VM refused the booted image: make the other slot active (the fallback
// of a trial, else the other slot if its header is sound).  Answers the slot
// that will boot next, or FE_*.
export function boot_reject(): i32 {
  if (bootedSlot < 0) return textError(FE_STATE, "nothing booted");
  if (!br_scan()) return FE_IO;
  const other = 1 - bootedSlot;
  if (slot_readHeader(other, 0xffffffff) < 0) {
    textPrefixSlot(other);
    return FE_NO_IMAGE;
  }
  const w = br_append(other, BS_CONFIRMED, 0, NO_SLOT);
  if (w < 0) return w;
  bootedSlot = -1;
  return other;
}
