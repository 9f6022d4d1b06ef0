// Class Talc (kernel/Talc.som): Talc-only services outside the SOM library.
//
//   Talc snapshot   the running image -> the inactive flash slot (trial
//                   image: boots next, falls back if it fails); true when
//                   written, false without flash geometry (no board).
//
// The image is written without touching the frame stack (image_write: a
// collection with the live roots, then header + heap into scratch), so the
// program goes on after the primitive; the next boot starts again from
// SO_ENTRY with the saved globals.  A flash refusal is a runtime error
// `Talc snapshot: <flash error text>`.
import { st, S_SCRATCH } from "./vm";
import { PR_STOP, retBool, prim_fail } from "./prims";
import { msg_reset, msg_lit, msg_bytes, err_raise } from "./errors";
import { image_write } from "./image";
import * as fio from "./flash/io";
import { flash_snapshot, flash_errorText, flash_errorTextLength } from "./flash/api";

export function p_snapshot(rs: usize): i32 {
  if (!fio.geoReady) return retBool(rs, false);
  const n = image_write();
  if (n < 0) return prim_fail("Talc snapshot: not enough memory to write the image");
  const r = flash_snapshot(st(S_SCRATCH) as usize, n as u32);
  if (r < 0) {
    msg_reset();
    msg_lit("Talc snapshot: ");
    msg_bytes(flash_errorText(), flash_errorTextLength() as i32);
    err_raise();
    return PR_STOP;
  }
  return retBool(rs, true);
}
