// The interpreter loop.  Registers live in locals of interp_run; the frame
// stack and heap hold everything else (frame layout: frame.ts).
//
// Structure: an outer loop RELOADS the registers from the top frame (after
// any send, return, allocation or call-out, since the collector moves
// methods, literals and receivers); an inner loop dispatches bytecodes.
// Fast cases `continue` the inner loop; every other case first SAVES
// (FH_IP = offset of the next instruction, S_SP = sp), calls out, and breaks
// to the reload.  The bytecode budget is checked at each reload and at
// backward jumps.
import * as isa from "./isa";
import {
  M_BYTECODE, M_LITERALS, M_HOLDER, M_HEADER, M_PRIMITIVE, MH_NTEMPS_SHIFT, MH_NCOPIED_SHIFT, MH_FLAG_NONLOCAL,
  SO_CLASS_INTEGER, SO_CLASS_DOUBLE, C_SUPERCLASS, BC_METHOD, BC_RECEIVER, BC_HOME, BC_HOME_SERIAL,
  BC_FIXED_SLOTS, FMT_CLOSURE, FMT_BIGPOS, FMT_BIGNEG, FMT_DOUBLE, HEADER_BYTES,
  SO_NIL, SO_TRUE, SO_FALSE, SO_SRC_NIL, SO_SRC_TRUE, SO_SRC_FALSE, SO_SPECIAL_SELECTORS,
  SO_SEL_UNKNOWN_GLOBAL, SO_SEL_ESCAPED_BLOCK, SO_CLASS_BLOCK1, SO_CLASS_BLOCK2, SO_CLASS_BLOCK3, SO_CLASS_ARRAY, SO_CLASS_OBJECT,
} from "./layout";
import { st, stSet, so, stF, stFSet, S_FP, S_SP, S_FINISHED, S_STAT_BC, S_STAT_SENDS, S_FASTMASK, S_CACHE, S_STACK_LIMIT,
  S_GC_COUNT, S_SERIAL, S_DBLMASK, CACHE_ENTRIES, FAST_OBJ_NEQEQ } from "./vm";
import { slot, setSlot, smallVal, mkSmall, isSmall, obj_fmt, obj_size, mem_alloc, mem_newArray, mem_newDoubleNoGC, fslot, fsetSlot, bslot, obj_body, obj_class, dbl_val,
  fitsSmall, fitsSmall32, SERIAL_MASK, mhdr, mh_nargs, mh_ncopied, mh_ntemps, mh_nonlocal, home_enc, home_dec, home16_lo, home16_hi, home16_serial } from "./memory";
import { FH_METHOD, FH_CLOSURE, FH_CALLER, FH_IP, FH_SERIAL, FH_LP, FH_BYTES,
  QUICK_SELF, QUICK_TRUE, QUICK_FALSE, QUICK_NIL, QUICK_GET, QUICK_SET } from "./frame";
import { send_general, send_lookup, send_dnu, send_activate } from "./send";
import { BITS16 } from "./bits";
import { c16_method } from "./codeobj";
import { TRACE_ON, trace_send, trace_flush, TRACE_KIND_SEND, TRACE_KIND_SUPER } from "./trace";
import { prim_call, PR_OK, P_BLOCK_VALUE, P_BLOCK_VALUE1, P_BLOCK_VALUE2, P_OBJECT_EQEQ } from "./prims";
import { glob_get } from "./globals";
import { vm_finish } from "./errors";

/** Create a closure for block literal `litIndex` with `ncopied` copied values on the stack top. */
function interp_makeClosure(litIndex: i32, ncopied: i32): bool {
  const fp = st(S_FP);
  let bm = slot(slot(load<u32>(fp + FH_METHOD), M_LITERALS), litIndex);
  const nargs = mh_nargs(mhdr(bm));
  const cls = so(nargs == 0 ? SO_CLASS_BLOCK1 : nargs == 1 ? SO_CLASS_BLOCK2 : SO_CLASS_BLOCK3);
  const n = BC_FIXED_SLOTS + ncopied;
  const c = mem_alloc(cls, FMT_CLOSURE, n as u32, (n as u32) << 2);
  if (c == 0) return false;
  bm = slot(slot(load<u32>(fp + FH_METHOD), M_LITERALS), litIndex);
  const outer = load<u32>(fp + FH_CLOSURE);
  const lp = smallVal(load<u32>(fp + FH_LP)) as u32;
  setSlot(c, BC_METHOD, bm);
  setSlot(c, BC_RECEIVER, load<u32>(lp - 4));
  if (outer == so(SO_NIL)) {
    if (BITS16) {
      const hs = smallVal(load<u32>(fp + FH_SERIAL)) as u32;
      setSlot(c, BC_HOME, home16_lo(hs));
      setSlot(c, BC_HOME_SERIAL, home16_hi(hs));
    } else {
      setSlot(c, BC_HOME, home_enc(fp));
      setSlot(c, BC_HOME_SERIAL, load<u32>(fp + FH_SERIAL));
    }
  } else {
    setSlot(c, BC_HOME, slot(outer, BC_HOME));
    setSlot(c, BC_HOME_SERIAL, slot(outer, BC_HOME_SERIAL));
  }
  let sp = st(S_SP) - (ncopied << 2);
  for (let i = 0; i < ncopied; i++) setSlot(c, BC_FIXED_SLOTS + i, load<u32>(sp + (i << 2)));
  store<u32>(sp, c);
  stSet(S_SP, sp + 4);
  return true;
}

/** Return `result` from the frame `fp` (method or block) to its caller. */
@inline function doReturn(fp: u32, result: u32): void {
  const lp = smallVal(load<u32>(fp + FH_LP)) as u32;
  store<u32>(lp - 4, result);
  stSet(S_SP, lp);
  const caller = smallVal(load<u32>(fp + FH_CALLER)) as u32;
  stSet(S_FP, caller);
  if (caller == 0) vm_finish(0);
}

/** Non-local return of `result` from block frame `fp`; escapedBlock: when the home is dead. */
function interp_nonLocalReturn(fp: u32, result: u32): void {
  const closure = load<u32>(fp + FH_CLOSURE);
  if (closure == so(SO_NIL)) { doReturn(fp, result); return; }
  if (BITS16) {
    // the home is the method frame on the caller chain with the closure's serial
    const hs = home16_serial(slot(closure, BC_HOME), slot(closure, BC_HOME_SERIAL));
    const nil = so(SO_NIL);
    let h = smallVal(load<u32>(fp + FH_CALLER)) as u32;
    while (h != 0) {
      if ((smallVal(load<u32>(h + FH_SERIAL)) as u32) == hs && hs != 0 && load<u32>(h + FH_CLOSURE) == nil) {
        doReturn(h, result);
        return;
      }
      h = smallVal(load<u32>(h + FH_CALLER)) as u32;
    }
  } else {
    const home = home_dec(slot(closure, BC_HOME));
    const serial = slot(closure, BC_HOME_SERIAL);
    let f = fp;
    while (f != 0 && f > home) f = smallVal(load<u32>(f + FH_CALLER)) as u32;
    if (f == home && f != 0 && load<u32>(f + FH_SERIAL) == serial) {
      doReturn(home, result);
      return;
    }
  }
  // escaped: send escapedBlock: to the self of the frame that invoked the block
  const caller = smallVal(load<u32>(fp + FH_CALLER)) as u32;
  const lp = smallVal(load<u32>(fp + FH_LP)) as u32;
  const rs = lp - 4;
  if (caller == 0) { doReturn(fp, result); return; }
  const clp = smallVal(load<u32>(caller + FH_LP)) as u32;
  store<u32>(rs, load<u32>(clp - 4));
  store<u32>(rs + 4, closure);
  stSet(S_FP, caller);
  stSet(S_SP, rs + 8);
  send_general(rs, so(SO_SEL_ESCAPED_BLOCK), 1, 0);
}

/**
 * Double fast path of special send k (0 +, 1 -, 2 *, 4 %, 5 <, 9 =): the
 * receiver is a Double (or a SmallInteger with a Double argument), the
 * selector is bound to the primitive (S_DBLMASK / S_FASTMASK).  Answers the
 * result, or 0 to take the real send (other operands, or no room to
 * allocate without collecting).
 */
function interp_dblFast(k: i32, a: u32, b: u32, dmask: u32, imask: u32): u32 {
  const dcls = so(SO_CLASS_DOUBLE);
  let x: f64, y: f64;
  if ((a & 1) == 0 && obj_class(a) == dcls) {
    if ((dmask & (1 << k)) == 0) return 0;
    x = dbl_val(a);
    if ((b & 1) != 0) y = ((b as i32) >> 1) as f64;
    else if (obj_class(b) == dcls) y = dbl_val(b);
    else return 0;
  } else if ((a & 1) != 0 && (b & 1) == 0 && obj_class(b) == dcls) {
    if ((imask & (1 << k)) == 0 || k == 3) return 0;
    x = ((a as i32) >> 1) as f64;
    y = dbl_val(b);
  } else return 0;
  switch (k) {
    case 0: return mem_newDoubleNoGC(x + y);
    case 1: return mem_newDoubleNoGC(x - y);
    case 2: return mem_newDoubleNoGC(x * y);
    case 4: return mem_newDoubleNoGC(x % y);
    case 5: return so(x < y ? SO_TRUE : SO_FALSE);
    case 9: return so(x == y ? SO_TRUE : SO_FALSE);
    default: return 0;
  }
}

@inline function isNumber(o: u32): bool {
  if ((o & 1) != 0) return true;
  const f = obj_fmt(o);
  return f == FMT_BIGPOS || f == FMT_BIGNEG || f == FMT_DOUBLE;
}

/** The method cached for (cls, sel), or 0 on a miss (the real send then fills the entry). */
@inline function cachedMethod(cache: u32, cls: u32, sel: u32): u32 {
  const e = cache + ((((cls >>> 3) ^ (sel >>> 2)) & (CACHE_ENTRIES - 1)) * 12);
  return load<u32>(e) == cls && load<u32>(e, 4) == sel ? load<u32>(e, 8) : 0;
}

/**
 * `a == b` for a heap receiver that is not a number (no Double, no large
 * Integer: the caller checks): when the method cache holds the Object>>==
 * primitive for a's class, that primitive answers identity -- so does this,
 * with the primitive's objects (tru/fls).  A class or superclass overriding
 * `==` finds its own method, not the primitive: 0, the real send runs.
 * 0 also on a cache miss (the real send fills the entry).
 */
function interp_objEqEq(a: u32, b: u32, cache: u32, tru: u32, fls: u32): u32 {
  const m = cachedMethod(cache, obj_class(a), slot(so(SO_SPECIAL_SELECTORS), 11));
  if (m == 0 || smallVal(slot(m, M_PRIMITIVE)) != P_OBJECT_EQEQ) return 0;
  return a == b ? tru : fls;
}

/**
 * `a ~= b` for a heap non-number receiver, when FAST_OBJ_NEQEQ says Object>>~=
 * is `^(self == other) not` with the kernel's True/False>>not: answers what
 * that method would, provided the cache shows that a's class finds exactly
 * Object's ~= (holder Object; a class has one method per selector) AND the
 * Object>>== primitive for == (so `self == other` is identity, true/false,
 * and `not` answers srcFalse/srcTrue).  An override of ~= or of == anywhere
 * in a's superclass chain, or a cache miss, gives 0: the real send.
 */
function interp_objNeqEq(a: u32, b: u32, cache: u32, srcTrue: u32, srcFalse: u32): u32 {
  const cls = obj_class(a);
  const sels = so(SO_SPECIAL_SELECTORS);
  const mn = cachedMethod(cache, cls, slot(sels, 12));
  if (mn == 0 || slot(mn, M_HOLDER) != so(SO_CLASS_OBJECT)) return 0;
  const me = cachedMethod(cache, cls, slot(sels, 11));
  if (me == 0 || smallVal(slot(me, M_PRIMITIVE)) != P_OBJECT_EQEQ) return 0;
  return a == b ? srcFalse : srcTrue;
}

/** Run up to `budget` bytecodes.  0 = more to do, 1 = finished. */
export function interp_run(budget: i32): i32 {
  let count: i32 = 0;
  let fp: u32 = 0, sp: u32 = 0, ip: u32 = 0, bc: u32 = 0, lits: u32 = 0, lp: u32 = 0, self: u32 = 0;
  let nil: u32 = 0, tru: u32 = 0, fls: u32 = 0, fast: u32 = 0;
  let cache: u32 = 0, intCls: u32 = 0, limit: u32 = 0;
  let srcNil: u32 = 0, srcTrue: u32 = 0, srcFalse: u32 = 0, arrCls: u32 = 0, dmask: u32 = 0;
  let nsends: i32 = 0;
  for (;;) {
    // ---- reload -------------------------------------------------------------
    if (st(S_FINISHED) != 0) break;
    if (count >= budget) break;
    fp = st(S_FP);
    sp = st(S_SP);
    const method = load<u32>(fp + FH_METHOD);
    bc = obj_body(slot(method, M_BYTECODE)) as u32;
    ip = bc + (smallVal(load<u32>(fp + FH_IP)) as u32);
    lits = obj_body(slot(method, M_LITERALS)) as u32;
    lp = smallVal(load<u32>(fp + FH_LP)) as u32;
    self = load<u32>(lp - 4);
    nil = so(SO_NIL);
    tru = so(SO_TRUE);
    fls = so(SO_FALSE);
    fast = st(S_FASTMASK);
    cache = st(S_CACHE);
    intCls = so(SO_CLASS_INTEGER);
    limit = st(S_STACK_LIMIT);
    srcNil = so(SO_SRC_NIL);
    srcTrue = so(SO_SRC_TRUE);
    srcFalse = so(SO_SRC_FALSE);
    arrCls = so(SO_CLASS_ARRAY);
    dmask = st(S_DBLMASK);
    // ---- dispatch -----------------------------------------------------------
    for (;;) {
      const op = load<u8>(ip) as i32;
      count++;
      let sendSel: u32 = 0;
      let sendArgs: i32 = 0;
      let sendCls: u32 = 0;   // lookup class for super sends (0: the receiver's class)
      switch (op) {
        case isa.OP_NOP: ip += 1; continue;
        case isa.OP_PUSH_SELF: store<u32>(sp, self); sp += 4; ip += 1; continue;
        case isa.OP_PUSH_NIL: store<u32>(sp, srcNil); sp += 4; ip += 1; continue;
        case isa.OP_PUSH_TRUE: store<u32>(sp, srcTrue); sp += 4; ip += 1; continue;
        case isa.OP_PUSH_FALSE: store<u32>(sp, srcFalse); sp += 4; ip += 1; continue;
        case isa.OP_PUSH_REAL_NIL: store<u32>(sp, nil); sp += 4; ip += 1; continue;
        case isa.OP_PUSH_LOCAL: {
          store<u32>(sp, load<u32>(lp + ((load<u8>(ip, 1) as u32) << 2)));
          // common pairs run without a second dispatch
          const nx = load<u8>(ip, 2) as i32;
          if (nx == isa.OP_PUSH_LOCAL) {
            store<u32>(sp + 4, load<u32>(lp + ((load<u8>(ip, 3) as u32) << 2)));
            sp += 8; ip += 4; count++; continue;
          }
          if (nx == isa.OP_PUSH_SMALLINT) {
            store<u32>(sp + 4, mkSmall(load<i8>(ip, 3) as i32));
            sp += 8; ip += 4; count++; continue;
          }
          sp += 4; ip += 2; continue;
        }
        case isa.OP_PUSH_FIELD:
          store<u32>(sp, fslot(self, load<u8>(ip, 1) as u32)); sp += 4; ip += 2; continue;
        case isa.OP_PUSH_LITERAL:
          store<u32>(sp, bslot(lits, load<u8>(ip, 1) as u32)); sp += 4; ip += 2; continue;
        case isa.OP_PUSH_LITERAL_W:
          store<u32>(sp, bslot(lits, load<u16>(ip, 1) as u32)); sp += 4; ip += 3; continue;
        case isa.OP_PUSH_SMALLINT: {
          const y = load<i8>(ip, 1) as i32;
          const nx = load<u8>(ip, 2) as i32;
          const a = load<u32>(sp - 4);
          // SmallInteger receiver with an immediate argument: arithmetic and
          // compare-and-branch without pushing the literal (same results as the sends)
          if ((a & 1) != 0 && nx >= isa.OP_ADD && nx <= isa.OP_NE && (fast & (1 << (nx - isa.OP_SPECIAL_FIRST))) != 0) {
            const x = (a as i32) >> 1;
            if (nx == isa.OP_ADD || nx == isa.OP_SUB) {
              const v = nx == isa.OP_ADD ? x + y : x - y;
              if (fitsSmall32(v)) {
                count++;
                if (load<u8>(ip, 3) == isa.OP_POP_STORE_LOCAL) {
                  store<u32>(lp + ((load<u8>(ip, 4) as u32) << 2), mkSmall(v));
                  sp -= 4; ip += 5; count++;
                  continue;
                }
                store<u32>(sp - 4, mkSmall(v)); ip += 3;
                continue;
              }
            } else if (nx == isa.OP_MOD) {
              if (y != 0) {
                let v = x % y;
                if (v != 0 && ((v < 0) != (y < 0))) v += y;
                store<u32>(sp - 4, mkSmall(v)); ip += 3; count++;
                continue;
              }
            } else if (nx >= isa.OP_LT) {
              let r = false;
              if (nx == isa.OP_LT) r = x < y;
              else if (nx == isa.OP_GT) r = x > y;
              else if (nx == isa.OP_LE) r = x <= y;
              else if (nx == isa.OP_GE) r = x >= y;
              else if (nx == isa.OP_EQ) r = x == y;
              else r = x != y;
              count++;
              const j = load<u8>(ip, 3) as i32;
              if (j == isa.OP_JUMP_IF_TRUE || j == isa.OP_JUMP_IF_FALSE) {
                sp -= 4;
                count++;
                if (r == (j == isa.OP_JUMP_IF_TRUE)) {
                  const off = load<i16>(ip, 4) as i32;
                  ip = ((ip as i32) + 8 + off) as u32;
                  if (off < 0 && count >= budget) {
                    store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
                    stSet(S_SP, sp);
                    break;
                  }
                  continue;
                }
                ip += 8;
                continue;
              }
              store<u32>(sp - 4, r ? tru : fls); ip += 3;
              continue;
            }
          }
          store<u32>(sp, mkSmall(y)); sp += 4; ip += 2; continue;
        }
        case isa.OP_PUSH_REMOTE: {
          const tv = load<u32>(lp + ((load<u8>(ip, 2) as u32) << 2));
          store<u32>(sp, fslot(tv, load<u8>(ip, 1) as u32)); sp += 4; ip += 3; continue;
        }
        case isa.OP_STORE_LOCAL:
          store<u32>(lp + ((load<u8>(ip, 1) as u32) << 2), load<u32>(sp - 4)); ip += 2; continue;
        case isa.OP_POP_STORE_LOCAL:
          sp -= 4; store<u32>(lp + ((load<u8>(ip, 1) as u32) << 2), load<u32>(sp)); ip += 2; continue;
        case isa.OP_STORE_FIELD:
          fsetSlot(self, load<u8>(ip, 1) as u32, load<u32>(sp - 4)); ip += 2; continue;
        case isa.OP_POP_STORE_FIELD:
          sp -= 4; fsetSlot(self, load<u8>(ip, 1) as u32, load<u32>(sp)); ip += 2; continue;
        case isa.OP_STORE_REMOTE: {
          const tv = load<u32>(lp + ((load<u8>(ip, 2) as u32) << 2));
          fsetSlot(tv, load<u8>(ip, 1) as u32, load<u32>(sp - 4)); ip += 3; continue;
        }
        case isa.OP_POP_STORE_REMOTE: {
          const tv = load<u32>(lp + ((load<u8>(ip, 2) as u32) << 2));
          sp -= 4;
          fsetSlot(tv, load<u8>(ip, 1) as u32, load<u32>(sp)); ip += 3; continue;
        }
        case isa.OP_POP: sp -= 4; ip += 1; continue;
        case isa.OP_DUP: store<u32>(sp, load<u32>(sp - 4)); sp += 4; ip += 1; continue;
        case isa.OP_PUSH_GLOBAL:
        case isa.OP_PUSH_GLOBAL_W: {
          const wide = op == isa.OP_PUSH_GLOBAL_W;
          const sym = bslot(lits, wide ? load<u16>(ip, 1) as u32 : load<u8>(ip, 1) as u32);
          const v = glob_get(sym);
          ip += wide ? 3 : 2;
          if (v != 0) { store<u32>(sp, v); sp += 4; continue; }
          store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
          store<u32>(sp, self);
          store<u32>(sp + 4, sym);
          stSet(S_SP, sp + 8);
          send_general(sp, so(SO_SEL_UNKNOWN_GLOBAL), 1, 0);
          break;
        }
        case isa.OP_PUSH_BLOCK:
        case isa.OP_PUSH_BLOCK_W: {
          const wide = op == isa.OP_PUSH_BLOCK_W;
          const lit = wide ? load<u16>(ip, 1) as i32 : load<u8>(ip, 1) as i32;
          const nc = load<u8>(ip + (wide ? 3 : 2)) as i32;
          ip += wide ? 4 : 3;
          store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
          stSet(S_SP, sp);
          interp_makeClosure(lit, nc);
          break;
        }
        case isa.OP_PUSH_NEW_ARRAY: {
          const n = load<u8>(ip, 1) as i32;
          ip += 2;
          store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
          stSet(S_SP, sp);
          const a = mem_newArray(n);
          if (a != 0) { const s2 = st(S_SP); store<u32>(s2, a); stSet(S_SP, s2 + 4); }
          break;
        }
        case isa.OP_SEND:
          sendSel = bslot(lits, load<u8>(ip, 1) as u32);
          sendArgs = load<u8>(ip, 2) as i32;
          ip += 3;
          break;
        case isa.OP_SEND_W:
          sendSel = bslot(lits, load<u16>(ip, 1) as u32);
          sendArgs = load<u8>(ip, 3) as i32;
          ip += 4;
          break;
        case isa.OP_SUPER_SEND:
        case isa.OP_SUPER_SEND_W: {
          const wide = op == isa.OP_SUPER_SEND_W;
          sendSel = bslot(lits, wide ? load<u16>(ip, 1) as u32 : load<u8>(ip, 1) as u32);
          sendArgs = load<u8>(ip + (wide ? 3 : 2)) as i32;
          ip += wide ? 4 : 3;
          sendCls = slot(slot(load<u32>(fp + FH_METHOD), M_HOLDER), C_SUPERCLASS);
          break;
        }
        case isa.OP_RETURN_TOP:
        case isa.OP_RETURN_SELF: {
          const result = op == isa.OP_RETURN_TOP ? load<u32>(sp - 4) : self;
          const caller = smallVal(load<u32>(fp + FH_CALLER)) as u32;
          if (caller == 0) { doReturn(fp, result); break; }
          store<u32>(lp - 4, result);
          sp = lp;
          fp = caller;
          stSet(S_FP, fp);
          const m = load<u32>(fp + FH_METHOD);
          bc = obj_body(slot(m, M_BYTECODE)) as u32;
          ip = bc + (smallVal(load<u32>(fp + FH_IP)) as u32);
          lits = obj_body(slot(m, M_LITERALS)) as u32;
          lp = smallVal(load<u32>(fp + FH_LP)) as u32;
          self = load<u32>(lp - 4);
          continue;
        }
        case isa.OP_RETURN_NONLOCAL:
          stSet(S_SP, sp);
          interp_nonLocalReturn(fp, load<u32>(sp - 4));
          break;
        case isa.OP_JUMP: {
          const off = load<i16>(ip, 1) as i32;
          ip = ((ip as i32) + 3 + off) as u32;
          if (off < 0 && count >= budget) {
            store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
            stSet(S_SP, sp);
            break;
          }
          continue;
        }
        case isa.OP_JUMP_IF_TRUE: {
          const v = load<u32>(sp - 4);
          if (v == tru) {
            sp -= 4;
            const off = load<i16>(ip, 1) as i32;
            ip = ((ip as i32) + 5 + off) as u32;
            if (off < 0 && count >= budget) {
              store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
              stSet(S_SP, sp);
              break;
            }
            continue;
          }
          if (v == fls) { sp -= 4; ip += 5; continue; }
          ip = ((ip as i32) + 5 + (load<i16>(ip, 3) as i32)) as u32;
          continue;
        }
        case isa.OP_JUMP_IF_FALSE: {
          const v = load<u32>(sp - 4);
          if (v == fls) {
            sp -= 4;
            const off = load<i16>(ip, 1) as i32;
            ip = ((ip as i32) + 5 + off) as u32;
            if (off < 0 && count >= budget) {
              store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
              stSet(S_SP, sp);
              break;
            }
            continue;
          }
          if (v == tru) { sp -= 4; ip += 5; continue; }
          ip = ((ip as i32) + 5 + (load<i16>(ip, 3) as i32)) as u32;
          continue;
        }
        case isa.OP_JUMP_IF_NIL:
        case isa.OP_JUMP_IF_NOT_NIL: {
          sp -= 4;
          const isNil = load<u32>(sp) == nil;
          const off = load<i16>(ip, 1) as i32;
          if (isNil == (op == isa.OP_JUMP_IF_NIL)) {
            ip = ((ip as i32) + 3 + off) as u32;
            if (off < 0 && count >= budget) {
              store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
              stSet(S_SP, sp);
              break;
            }
          } else ip += 3;
          continue;
        }
        case isa.OP_JUMP_IF_NOT_NUMBER: {
          if (!isNumber(load<u32>(sp - 4))) ip = ((ip as i32) + 3 + (load<i16>(ip, 1) as i32)) as u32;
          else ip += 3;
          continue;
        }
        // ---- special sends --------------------------------------------------------
        case isa.OP_ADD: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 1) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const v = x + y;
            if (fitsSmall32(v)) {
              if (load<u8>(ip, 1) == isa.OP_POP_STORE_LOCAL) {
                // fused with the assignment that follows
                store<u32>(lp + ((load<u8>(ip, 2) as u32) << 2), mkSmall(v));
                sp -= 8; ip += 3; count++;
                continue;
              }
              sp -= 4; store<u32>(sp - 4, mkSmall(v)); ip += 1; continue;
            }
          }
          if (((a | b) & 1) == 0 || ((a ^ b) & 1) != 0) {
            const d = interp_dblFast(0, a, b, dmask, fast);
            if (d != 0) { sp -= 4; store<u32>(sp - 4, d); ip += 1; continue; }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 0);
          sendArgs = 1;
          break;
        }
        case isa.OP_SUB: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 2) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const v = x - y;
            if (fitsSmall32(v)) {
              if (load<u8>(ip, 1) == isa.OP_POP_STORE_LOCAL) {
                // fused with the assignment that follows
                store<u32>(lp + ((load<u8>(ip, 2) as u32) << 2), mkSmall(v));
                sp -= 8; ip += 3; count++;
                continue;
              }
              sp -= 4; store<u32>(sp - 4, mkSmall(v)); ip += 1; continue;
            }
          }
          if (((a | b) & 1) == 0 || ((a ^ b) & 1) != 0) {
            const d = interp_dblFast(1, a, b, dmask, fast);
            if (d != 0) { sp -= 4; store<u32>(sp - 4, d); ip += 1; continue; }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 1);
          sendArgs = 1;
          break;
        }
        case isa.OP_MUL: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 4) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const v = (x as i64) * (y as i64);
            if (fitsSmall(v)) { sp -= 4; store<u32>(sp - 4, mkSmall(v as i32)); ip += 1; continue; }
          }
          if (((a | b) & 1) == 0 || ((a ^ b) & 1) != 0) {
            const d = interp_dblFast(2, a, b, dmask, fast);
            if (d != 0) { sp -= 4; store<u32>(sp - 4, d); ip += 1; continue; }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 2);
          sendArgs = 1;
          break;
        }
        case isa.OP_DIV: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 8) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            if (y != 0) {
              const v = x / y;
              if (fitsSmall32(v)) { sp -= 4; store<u32>(sp - 4, mkSmall(v)); ip += 1; continue; }
            }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 3);
          sendArgs = 1;
          break;
        }
        case isa.OP_MOD: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 16) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            if (y != 0) {
              let v = x % y;
              if (v != 0 && ((v < 0) != (y < 0))) v += y;
              sp -= 4; store<u32>(sp - 4, mkSmall(v)); ip += 1; continue;
            }
          }
          if (((a | b) & 1) == 0 || ((a ^ b) & 1) != 0) {
            const d = interp_dblFast(4, a, b, dmask, fast);
            if (d != 0) { sp -= 4; store<u32>(sp - 4, d); ip += 1; continue; }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 4);
          sendArgs = 1;
          break;
        }
        case isa.OP_LT: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 32) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const r = x < y;
            const nx = load<u8>(ip, 1) as i32;
            if (nx == isa.OP_JUMP_IF_TRUE || nx == isa.OP_JUMP_IF_FALSE) {
              // compare-and-branch: the boolean is consumed by the next jump
              sp -= 8;
              count++;
              if (r == (nx == isa.OP_JUMP_IF_TRUE)) {
                const off = load<i16>(ip, 2) as i32;
                ip = ((ip as i32) + 6 + off) as u32;
                if (off < 0 && count >= budget) {
                  store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
                  stSet(S_SP, sp);
                  break;
                }
                continue;
              }
              ip += 6;
              continue;
            }
            sp -= 4; store<u32>(sp - 4, r ? tru : fls); ip += 1; continue;
          }
          if (((a | b) & 1) == 0 || ((a ^ b) & 1) != 0) {
            const d = interp_dblFast(5, a, b, dmask, fast);
            if (d != 0) { sp -= 4; store<u32>(sp - 4, d); ip += 1; continue; }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 5);
          sendArgs = 1;
          break;
        }
        case isa.OP_GT: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 64) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const r = x > y;
            const nx = load<u8>(ip, 1) as i32;
            if (nx == isa.OP_JUMP_IF_TRUE || nx == isa.OP_JUMP_IF_FALSE) {
              // compare-and-branch: the boolean is consumed by the next jump
              sp -= 8;
              count++;
              if (r == (nx == isa.OP_JUMP_IF_TRUE)) {
                const off = load<i16>(ip, 2) as i32;
                ip = ((ip as i32) + 6 + off) as u32;
                if (off < 0 && count >= budget) {
                  store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
                  stSet(S_SP, sp);
                  break;
                }
                continue;
              }
              ip += 6;
              continue;
            }
            sp -= 4; store<u32>(sp - 4, r ? tru : fls); ip += 1; continue;
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 6);
          sendArgs = 1;
          break;
        }
        case isa.OP_LE: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 128) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const r = x <= y;
            const nx = load<u8>(ip, 1) as i32;
            if (nx == isa.OP_JUMP_IF_TRUE || nx == isa.OP_JUMP_IF_FALSE) {
              // compare-and-branch: the boolean is consumed by the next jump
              sp -= 8;
              count++;
              if (r == (nx == isa.OP_JUMP_IF_TRUE)) {
                const off = load<i16>(ip, 2) as i32;
                ip = ((ip as i32) + 6 + off) as u32;
                if (off < 0 && count >= budget) {
                  store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
                  stSet(S_SP, sp);
                  break;
                }
                continue;
              }
              ip += 6;
              continue;
            }
            sp -= 4; store<u32>(sp - 4, r ? tru : fls); ip += 1; continue;
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 7);
          sendArgs = 1;
          break;
        }
        case isa.OP_GE: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 256) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const r = x >= y;
            const nx = load<u8>(ip, 1) as i32;
            if (nx == isa.OP_JUMP_IF_TRUE || nx == isa.OP_JUMP_IF_FALSE) {
              // compare-and-branch: the boolean is consumed by the next jump
              sp -= 8;
              count++;
              if (r == (nx == isa.OP_JUMP_IF_TRUE)) {
                const off = load<i16>(ip, 2) as i32;
                ip = ((ip as i32) + 6 + off) as u32;
                if (off < 0 && count >= budget) {
                  store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
                  stSet(S_SP, sp);
                  break;
                }
                continue;
              }
              ip += 6;
              continue;
            }
            sp -= 4; store<u32>(sp - 4, r ? tru : fls); ip += 1; continue;
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 8);
          sendArgs = 1;
          break;
        }
        case isa.OP_EQ: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 512) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const r = x == y;
            const nx = load<u8>(ip, 1) as i32;
            if (nx == isa.OP_JUMP_IF_TRUE || nx == isa.OP_JUMP_IF_FALSE) {
              // compare-and-branch: the boolean is consumed by the next jump
              sp -= 8;
              count++;
              if (r == (nx == isa.OP_JUMP_IF_TRUE)) {
                const off = load<i16>(ip, 2) as i32;
                ip = ((ip as i32) + 6 + off) as u32;
                if (off < 0 && count >= budget) {
                  store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
                  stSet(S_SP, sp);
                  break;
                }
                continue;
              }
              ip += 6;
              continue;
            }
            sp -= 4; store<u32>(sp - 4, r ? tru : fls); ip += 1; continue;
          }
          if (((a | b) & 1) == 0 || ((a ^ b) & 1) != 0) {
            const d = interp_dblFast(9, a, b, dmask, fast);
            if (d != 0) { sp -= 4; store<u32>(sp - 4, d); ip += 1; continue; }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 9);
          sendArgs = 1;
          break;
        }
        case isa.OP_NE: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 1024) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const r = x != y;
            const nx = load<u8>(ip, 1) as i32;
            if (nx == isa.OP_JUMP_IF_TRUE || nx == isa.OP_JUMP_IF_FALSE) {
              // compare-and-branch: the boolean is consumed by the next jump
              sp -= 8;
              count++;
              if (r == (nx == isa.OP_JUMP_IF_TRUE)) {
                const off = load<i16>(ip, 2) as i32;
                ip = ((ip as i32) + 6 + off) as u32;
                if (off < 0 && count >= budget) {
                  store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
                  stSet(S_SP, sp);
                  break;
                }
                continue;
              }
              ip += 6;
              continue;
            }
            sp -= 4; store<u32>(sp - 4, r ? tru : fls); ip += 1; continue;
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 10);
          sendArgs = 1;
          break;
        }
        case isa.OP_EQEQ: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 2048) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const r = x == y;
            const nx = load<u8>(ip, 1) as i32;
            if (nx == isa.OP_JUMP_IF_TRUE || nx == isa.OP_JUMP_IF_FALSE) {
              // compare-and-branch: the boolean is consumed by the next jump
              sp -= 8;
              count++;
              if (r == (nx == isa.OP_JUMP_IF_TRUE)) {
                const off = load<i16>(ip, 2) as i32;
                ip = ((ip as i32) + 6 + off) as u32;
                if (off < 0 && count >= budget) {
                  store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
                  stSet(S_SP, sp);
                  break;
                }
                continue;
              }
              ip += 6;
              continue;
            }
            sp -= 4; store<u32>(sp - 4, r ? tru : fls); ip += 1; continue;
          }
          // non-number receiver whose class finds the Object>>== primitive
          // (cached lookup): identity, as the primitive answers (tru/fls)
          if (!BITS16 && (a & 1) == 0 && !isNumber(a)) {
            const r = interp_objEqEq(a, b, cache, tru, fls);
            if (r != 0) { sp -= 4; store<u32>(sp - 4, r); ip += 1; continue; }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 11);
          sendArgs = 1;
          break;
        }
        case isa.OP_NEQEQ: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 4096) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            const r = x != y;
            const nx = load<u8>(ip, 1) as i32;
            if (nx == isa.OP_JUMP_IF_TRUE || nx == isa.OP_JUMP_IF_FALSE) {
              // compare-and-branch: the boolean is consumed by the next jump
              sp -= 8;
              count++;
              if (r == (nx == isa.OP_JUMP_IF_TRUE)) {
                const off = load<i16>(ip, 2) as i32;
                ip = ((ip as i32) + 6 + off) as u32;
                if (off < 0 && count >= budget) {
                  store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
                  stSet(S_SP, sp);
                  break;
                }
                continue;
              }
              ip += 6;
              continue;
            }
            sp -= 4; store<u32>(sp - 4, r ? tru : fls); ip += 1; continue;
          }
          // non-number receiver whose class finds Object's own ~= (kernel-shaped:
          // FAST_OBJ_NEQEQ) and the Object>>== primitive: `(a == b) not`
          // answers srcFalse / srcTrue (index.ts objNeqeqIsKernelShaped)
          if (!BITS16 && (fast & FAST_OBJ_NEQEQ) != 0 && (a & 1) == 0 && !isNumber(a)) {
            const r = interp_objNeqEq(a, b, cache, srcTrue, srcFalse);
            if (r != 0) { sp -= 4; store<u32>(sp - 4, r); ip += 1; continue; }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 12);
          sendArgs = 1;
          break;
        }
        case isa.OP_BITAND: {
          const a = load<u32>(sp - 8);
          const b = load<u32>(sp - 4);
          if ((a & b & 1) != 0 && (fast & 8192) != 0) {
            const x = (a as i32) >> 1;
            const y = (b as i32) >> 1;
            sp -= 4; store<u32>(sp - 4, mkSmall(x & y)); ip += 1; continue;
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), 13);
          sendArgs = 1;
          break;
        }
        case isa.OP_AT: {
          const a = load<u32>(sp - 8);
          const ix = load<u32>(sp - 4);
          if ((ix & 1) != 0 && (a & 1) == 0 && obj_class(a) == arrCls && (fast & (1 << 17)) != 0) {
            const i = ((ix as i32) >> 1) - 1;
            if (i >= 0 && (i as u32) < obj_size(a)) {
              sp -= 4;
              store<u32>(sp - 4, fslot(a, i as u32));
              ip += 1;
              continue;
            }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), op - isa.OP_SPECIAL_FIRST);
          sendArgs = 1;
          break;
        }
        case isa.OP_ATPUT: {
          const a = load<u32>(sp - 12);
          const ix = load<u32>(sp - 8);
          if ((ix & 1) != 0 && (a & 1) == 0 && obj_class(a) == arrCls && (fast & (1 << 18)) != 0) {
            const i = ((ix as i32) >> 1) - 1;
            if (i >= 0 && (i as u32) < obj_size(a)) {
              fsetSlot(a, i as u32, load<u32>(sp - 4));
              if (load<u8>(ip, 1) == isa.OP_POP) { sp -= 12; ip += 2; count++; continue; }   // result unused
              sp -= 8;
              ip += 1;
              continue;
            }
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), op - isa.OP_SPECIAL_FIRST);
          sendArgs = 2;
          break;
        }
        case isa.OP_LENGTH: {
          const a = load<u32>(sp - 4);
          if ((a & 1) == 0 && obj_class(a) == arrCls && (fast & (1 << 19)) != 0) {
            store<u32>(sp - 4, mkSmall(obj_size(a) as i32));
            ip += 1;
            continue;
          }
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), op - isa.OP_SPECIAL_FIRST);
          sendArgs = 0;
          break;
        }
        case isa.OP_VALUE:
        case isa.OP_VALUE1:
        case isa.OP_VALUE2: {
          ip += 1;
          sendSel = slot(so(SO_SPECIAL_SELECTORS), op - isa.OP_SPECIAL_FIRST);
          sendArgs = op - isa.OP_VALUE;
          break;
        }
        default:
          // unreachable for verified code
          vm_finish(1);
          break;
      }
      if (sendSel == 0) break;   // the case called out: reload
      // ---- the common send: receiver at rs, sendArgs arguments above it ----------
      const rs = sp - ((sendArgs + 1) << 2);
      const rcvr = load<u32>(rs);
      let m: u32 = 0;
      let cls: u32 = 0;
      if (BITS16 && sendCls == 0) {
        // 16-bit memory: one computed entry from the masked receiver pointer
        // and the selector's number (codeobj.ts) -- no class load, no lookup
        m = c16_method(rcvr, sendSel);
        if (TRACE_ON) cls = (rcvr & 1) != 0 ? intCls : obj_class(rcvr);
      } else {
        cls = sendCls != 0 ? sendCls : ((rcvr & 1) != 0 ? intCls : obj_class(rcvr));
        const e = cache + ((((cls >>> 3) ^ (sendSel >>> 2)) & (CACHE_ENTRIES - 1)) * 12);
        if (load<u32>(e) == cls && load<u32>(e, 4) == sendSel) m = load<u32>(e, 8);
        else m = send_lookup(cls, sendSel);
      }
      store<u32>(fp + FH_IP, mkSmall((ip - bc) as i32));
      nsends++;
      if (TRACE_ON) trace_send(cls, sendSel, m, load<u32>(fp + FH_METHOD), ip - bc, sendCls != 0 ? TRACE_KIND_SUPER : TRACE_KIND_SEND);   // sim target only
      if (m == 0) {
        stSet(S_SP, sp);
        send_dnu(rs, sendSel, sendArgs);
        break;
      }
      const code = slot(m, M_BYTECODE);
      const pn = smallVal(slot(m, M_PRIMITIVE));
      if (code == nil) {
        // block evaluation: push the block frame here
        if ((pn == P_BLOCK_VALUE || pn == P_BLOCK_VALUE1 || pn == P_BLOCK_VALUE2) && (rcvr & 1) == 0 &&
            obj_fmt(rcvr) == FMT_CLOSURE) {
          const bm = slot(rcvr, BC_METHOD);
          const bh = mhdr(bm);
          if ((bh & 0xff) == sendArgs) {
            const nc = mh_ncopied(bh);
            const nt = mh_ntemps(bh);
            const nlp = rs + 4;
            const nfp = nlp + ((sendArgs + nc + nt) << 2);
            if (nfp <= limit) {
              let p = nlp + (sendArgs << 2);
              for (let i = 0; i < nc; i++) { store<u32>(p, slot(rcvr, BC_FIXED_SLOTS + i)); p += 4; }
              for (; p < nfp; p += 4) store<u32>(p, nil);
              self = slot(rcvr, BC_RECEIVER);
              store<u32>(rs, self);
              store<u32>(nfp + FH_METHOD, bm);
              store<u32>(nfp + FH_CLOSURE, rcvr);
              store<u32>(nfp + FH_CALLER, mkSmall(fp as i32));
              store<u32>(nfp + FH_IP, mkSmall(0));
              store<u32>(nfp + FH_SERIAL, mkSmall(0));
              store<u32>(nfp + FH_LP, mkSmall(nlp as i32));
              fp = nfp;
              stSet(S_FP, fp);
              lp = nlp;
              sp = fp + FH_BYTES;
              bc = obj_body(slot(bm, M_BYTECODE)) as u32;
              ip = bc;
              lits = obj_body(slot(bm, M_LITERALS)) as u32;
              if (count >= budget) { stSet(S_SP, sp); break; }
              continue;
            }
          }
        }
        // primitive: no reload needed unless frames changed or the collector ran
        stSet(S_SP, sp);
        const gcs = st(S_GC_COUNT);
        const r = prim_call(pn, m, rs, sendArgs);
        if (r == PR_OK) {
          sp = rs + 4;
          if (st(S_GC_COUNT) == gcs) continue;
          stSet(S_SP, sp);
        }
        break;
      }
      if (pn < 0) {
        // quick method (frame.ts QUICK_*): no frame
        let v: u32;
        if (pn == QUICK_SELF) v = rcvr;
        else if (pn == QUICK_TRUE) v = srcTrue;
        else if (pn == QUICK_FALSE) v = srcFalse;
        else if (pn == QUICK_NIL) v = srcNil;
        else if (pn > QUICK_SET) v = slot(rcvr, QUICK_GET - pn);
        else {
          setSlot(rcvr, QUICK_SET - pn, load<u32>(rs + 4));
          v = rcvr;
        }
        store<u32>(rs, v);
        sp = rs + 4;
        continue;
      }
      // bytecode method: push its frame here (frame.ts)
      const mh = mhdr(m);
      const ntemps = mh_ntemps(mh);
      const nlp = rs + 4;
      const nfp = nlp + ((sendArgs + ntemps) << 2);
      if (nfp > limit) {
        stSet(S_SP, sp);
        send_activate(m, rs, sendArgs, nil);   // raises Stack overflow.
        break;
      }
      for (let p = nlp + (sendArgs << 2); p < nfp; p += 4) store<u32>(p, nil);
      store<u32>(nfp + FH_METHOD, m);
      store<u32>(nfp + FH_CLOSURE, nil);
      store<u32>(nfp + FH_CALLER, mkSmall(fp as i32));
      store<u32>(nfp + FH_IP, mkSmall(0));
      // serials matter only for homes of blocks with ^ (MH_FLAG_NONLOCAL)
      let serial: u32 = 0;
      if (mh_nonlocal(mh)) {
        serial = st(S_SERIAL);
        stSet(S_SERIAL, ((serial + 1) & SERIAL_MASK) | (serial == SERIAL_MASK ? 1 : 0));
      }
      store<u32>(nfp + FH_SERIAL, mkSmall(serial as i32));
      store<u32>(nfp + FH_LP, mkSmall(nlp as i32));
      fp = nfp;
      stSet(S_FP, fp);
      lp = nlp;
      sp = fp + FH_BYTES;
      self = rcvr;
      bc = obj_body(code) as u32;
      ip = bc;
      lits = obj_body(slot(m, M_LITERALS)) as u32;
      if (count >= budget) { stSet(S_SP, sp); break; }
    }
  }
  stFSet(S_STAT_BC, stF(S_STAT_BC) + (count as f64));
  stFSet(S_STAT_SENDS, stF(S_STAT_SENDS) + (nsends as f64));
  if (TRACE_ON) trace_flush();   // sim target only
  return st(S_FINISHED) != 0 ? 1 : 0;
}


