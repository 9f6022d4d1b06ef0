// Message lookup, the global method cache, and activation of methods and
// blocks on the frame stack (frame layout: frame.ts).
//
// Cache: CACHE_ENTRIES entries of (class, selector, method), direct-mapped
// on the two addresses; flushed by every collection (addresses change) and
// whenever a class is linked.
import { BITS16 } from "./bits";
import { c16_method } from "./codeobj";
import {
  C_SUPERCLASS, C_METHODS, M_SIGNATURE, M_HEADER, M_PRIMITIVE, M_BYTECODE,
  MH_NCOPIED_SHIFT, MH_NTEMPS_SHIFT, BC_RECEIVER, BC_FIXED_SLOTS, BC_METHOD,
  SO_NIL, SO_SEL_DNU,
} from "./layout";
import {
  st, stSet, so, rs_push, rs_pop, S_PRIM_DEPTH, S_CACHE, S_FP, S_SP, S_SERIAL, S_STACK_LIMIT, S_STAT_SENDS, stF, stFSet, CACHE_ENTRIES,
} from "./vm";
import { slot, setSlot, obj_size, smallVal, mkSmall, classOf, mem_newArray, mh_ncopied, mh_ntemps, SERIAL_MASK, mhdr } from "./memory";
import { FH_METHOD, FH_CLOSURE, FH_CALLER, FH_IP, FH_SERIAL, FH_LP, FH_BYTES } from "./frame";
import { err_stackOverflow, err_raise, msg_reset, msg_lit, msg_str } from "./errors";
import { prim_call, PR_OK, PR_FRAME, PR_STOP } from "./prims";
import { TRACE_ON, trace_send, TRACE_KIND_VM, TRACE_KIND_VM_SUPER } from "./trace";

export function send_flushCache(): void {
  const c = st(S_CACHE);
  if (c != 0) memory.fill(c, 0, CACHE_ENTRIES * 12);
}

@inline export function cacheEntry(cls: u32, sel: u32): usize {
  return (st(S_CACHE) + ((((cls >>> 3) ^ (sel >>> 2)) & (CACHE_ENTRIES - 1)) * 12)) as usize;
}

/** Walk the superclass chain from `cls` for `sel`.  0 if not found. */
export function send_lookupChain(cls: u32, sel: u32): u32 {
  const nil = so(SO_NIL);
  while (cls != nil) {
    const ms = slot(cls, C_METHODS);
    if (ms != nil) {
      const n = obj_size(ms) as i32;
      for (let i = 0; i < n; i++) {
        const m = slot(ms, i);
        if (slot(m, M_SIGNATURE) == sel) return m;
      }
    }
    cls = slot(cls, C_SUPERCLASS);
  }
  return 0;
}

/** Cached lookup.  0 if not understood. */
export function send_lookup(cls: u32, sel: u32): u32 {
  const e = cacheEntry(cls, sel);
  if (load<u32>(e) == cls && load<u32>(e, 4) == sel) return load<u32>(e, 8);
  const m = send_lookupChain(cls, sel);
  if (m != 0) {
    store<u32>(e, cls);
    store<u32>(e, sel, 4);
    store<u32>(e, m, 8);
  }
  return m;
}

/**
 * Push a frame for bytecode method (or block method) `m`.  The receiver slot
 * is at `rs`, the `nargs` arguments above it; for a block, `closure` supplies
 * the copied values and the outer self.  The caller's FH_IP must be saved.
 * Answers PR_FRAME, or PR_STOP after `Stack overflow.`.
 */
export function send_activate(m: u32, rs: usize, nargs: i32, closure: u32): i32 {
  const hdr = mhdr(m);
  const ncopied = mh_ncopied(hdr);
  const ntemps = mh_ntemps(hdr);
  const nil = so(SO_NIL);
  const lp = rs + 4;
  const fp = lp + ((nargs + ncopied + ntemps) << 2);
  if (fp > st(S_STACK_LIMIT)) {
    err_stackOverflow();
    return PR_STOP;
  }
  let p = lp + (nargs << 2);
  if (closure != nil) {
    for (let i = 0; i < ncopied; i++) { store<u32>(p, slot(closure, BC_FIXED_SLOTS + i)); p += 4; }
    store<u32>(rs, slot(closure, BC_RECEIVER));
  }
  for (let i = 0; i < ntemps; i++) { store<u32>(p, nil); p += 4; }
  store<u32>(fp + FH_METHOD, m);
  store<u32>(fp + FH_CLOSURE, closure);
  store<u32>(fp + FH_CALLER, mkSmall(st(S_FP) as i32));
  store<u32>(fp + FH_IP, mkSmall(0));
  const serial = st(S_SERIAL);
  stSet(S_SERIAL, ((serial + 1) & SERIAL_MASK) | (serial == SERIAL_MASK ? 1 : 0));
  store<u32>(fp + FH_SERIAL, mkSmall(serial as i32));
  store<u32>(fp + FH_LP, mkSmall(lp as i32));
  stSet(S_FP, fp as u32);
  stSet(S_SP, (fp + FH_BYTES) as u32);
  return PR_FRAME;
}

/** Run method `m` (bytecode or primitive) for the send whose receiver slot is `rs`. */
export function send_invoke(m: u32, rs: usize, nargs: i32): i32 {
  const prim = smallVal(slot(m, M_PRIMITIVE));
  if (slot(m, M_BYTECODE) == so(SO_NIL)) {
    // primitives reached through perform:/invokeOn: may nest on the wasm stack
    const depth = st(S_PRIM_DEPTH);
    if (depth > 200) { err_stackOverflow(); return PR_STOP; }
    stSet(S_PRIM_DEPTH, depth + 1);
    const r = prim_call(prim, m, rs, nargs);
    stSet(S_PRIM_DEPTH, depth);
    if (r == PR_OK) stSet(S_SP, (rs + 4) as u32);
    return r;
  }
  return send_activate(m, rs, nargs, so(SO_NIL));
}

/**
 * General send: receiver at `rs`, `nargs` arguments above it, S_SP = rs + 4 +
 * 4*nargs.  Lookup starts at `startClass` (0 = the receiver's class).  A
 * miss sends doesNotUnderstand:arguments:.  Answers PR_OK (result in the
 * receiver slot, S_SP = rs + 4), PR_FRAME or PR_STOP.
 */
export function send_general(rs: usize, sel: u32, nargs: i32, startClass: u32): i32 {
  stFSet(S_STAT_SENDS, stF(S_STAT_SENDS) + 1);
  const cls = startClass != 0 ? startClass : classOf(load<u32>(rs));
  const m = BITS16 && startClass == 0 ? c16_method(load<u32>(rs), sel) : send_lookup(cls, sel);
  if (TRACE_ON) trace_send(cls, sel, m, 0, 0, startClass != 0 ? TRACE_KIND_VM_SUPER : TRACE_KIND_VM);   // sim target only
  if (m != 0) {
    if (startClass != 0 && !send_checkPrimReceiver(m, load<u32>(rs))) return PR_STOP;
    return send_invoke(m, rs, nargs);
  }
  return send_dnu(rs, sel, nargs);
}

/** Is `cls` `holder` or one of its subclasses? */
export function send_inherits(cls: u32, holder: u32): bool {
  const nil = so(SO_NIL);
  while (cls != nil) {
    if (cls == holder) return true;
    cls = slot(cls, C_SUPERCLASS);
  }
  return false;
}

/**
 * A primitive's receiver must be an instance of its holder (or a subclass):
 * invokeOn:with: and perform:inSuperclass: could otherwise hand it any object.
 */
export function send_checkPrimReceiver(m: u32, rcvr: u32): bool {
  if (slot(m, M_BYTECODE) != so(SO_NIL)) return true;
  const holder = slot(m, 1 /* M_HOLDER */);
  if (send_inherits(classOf(rcvr), holder)) return true;
  msg_reset();
  msg_lit("Primitive ");
  msg_str(slot(holder, 1 /* C_NAME */));
  msg_lit(">>");
  msg_str(slot(m, M_SIGNATURE));
  msg_lit(" cannot run on an instance of ");
  msg_str(slot(classOf(rcvr), 1));
  msg_lit(".");
  err_raise();
  return false;
}

/** Replace the send at `rs` by `rcvr doesNotUnderstand: sel arguments: {args}`. */
export function send_dnu(rs: usize, sel: u32, nargs: i32): i32 {
  rs_push(sel);
  const a = mem_newArray(nargs);
  sel = rs_pop();
  if (a == 0) return PR_STOP;
  for (let i = 0; i < nargs; i++) setSlot(a, i, load<u32>(rs + 4 + (i << 2)));
  store<u32>(rs + 4, sel);
  store<u32>(rs + 8, a);
  stSet(S_SP, (rs + 12) as u32);
  const m = send_lookup(classOf(load<u32>(rs)), so(SO_SEL_DNU));
  if (m == 0) {
    msg_reset();
    msg_lit("Method ");
    msg_str(sel);
    msg_lit(" not found, and doesNotUnderstand:arguments: is not understood either.");
    err_raise();
    return PR_STOP;
  }
  return send_invoke(m, rs, 2);
}
