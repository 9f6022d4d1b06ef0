// Block primitives (spec 4.9): value, value:, value:with:, restart.
import { FMT_CLOSURE, BC_METHOD, M_HEADER, MH_NCOPIED_SHIFT, SO_NIL } from "./layout";
import { so, st, stSet, S_FP, S_SP } from "./vm";
import { isSmall, obj_fmt, slot, smallVal, mkSmall, mh_nargs, mh_ncopied, mhdr } from "./memory";
import { PR_FRAME, PR_STOP, prim_failType } from "./prims";
import { send_activate } from "./send";
import { arityError } from "./prims_object";
import { FH_IP, FH_LP, FH_METHOD, FH_BYTES } from "./frame";

export function p_value(rs: usize, nargs: i32): i32 {
  const c = load<u32>(rs);
  if (isSmall(c) || obj_fmt(c) != FMT_CLOSURE) return prim_failType("object of type 'Block'", c);
  const m = slot(c, BC_METHOD);
  const want = mh_nargs(mhdr(m));
  if (want != nargs) return arityError(nargs, want);
  return send_activate(m, rs, nargs, c);
}

/** Restart the activation that sent `restart` (the top frame): ip 0, empty stack, temps nil. */
export function p_restart(rs: usize): i32 {
  const fp = st(S_FP);
  const m = load<u32>(fp + FH_METHOD);
  const hdr = mhdr(m);
  const nargs = hdr & 0xff;
  const ncopied = mh_ncopied(hdr);
  const lp = smallVal(load<u32>(fp + FH_LP)) as u32;
  const nil = so(SO_NIL);
  for (let p = lp + ((nargs + ncopied) << 2); p < fp; p += 4) store<u32>(p, nil);
  store<u32>(fp + FH_IP, mkSmall(0));
  stSet(S_SP, fp + FH_BYTES);
  return PR_FRAME;
}


