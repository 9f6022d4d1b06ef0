// System primitives (spec 4.5).
import { FMT_STRING, FMT_SYMBOL, FMT_DOUBLE, FMT_BIGPOS, FMT_BIGNEG, SO_NIL, SO_TRUE, SO_GLOBALS, SO_LIBRARY, C_SUPERCLASS, C_NAME } from "./layout";
import { so, st, stF, stFSet, stSet, rs_push, rs_pop, S_SCRATCH, S_SYMBOL_SPARE, S_START_US, S_TICKS_LAST, S_ABORTED, S_FP, S_LINK_LIBRARY, S_SP } from "./vm";
import { isSmall, smallVal, mkSmall, obj_fmt, obj_size, obj_body, mem_newStringFrom, fitsSmall, slot } from "./memory";
import { PR_OK, PR_STOP, PR_FRAME, arg, ret, retBool, prim_fail, prim_failType } from "./prims";
import { requireSymbol } from "./prims_object";
import { dict_get, dict_put } from "./globals";
import { io_out, io_outByte, io_err } from "./io";
import { host_clockUs, host_loadClass, host_readFile } from "./imports";
import { gc_collect } from "./gc";
import { vm_finish, msg_reset, msg_lit, msg_str, msg_ptr, msg_len, msg_int } from "./errors";
import { int_fromI64 } from "./prims_integer";
import { send_flushCache } from "./send";
import { FH_CALLER, FH_METHOD, FH_CLOSURE, FH_IP } from "./frame";

export function p_global(rs: usize): i32 {
  const s = arg(rs, 0);
  if (!requireSymbol(s)) return PR_STOP;
  const v = dict_get(SO_GLOBALS, s);
  return ret(rs, v == 0 ? so(SO_NIL) : v);
}

export function p_globalPut(rs: usize): i32 {
  if (!requireSymbol(arg(rs, 0))) return PR_STOP;
  if (!dict_put(SO_GLOBALS, arg(rs, 0), arg(rs, 1))) return PR_STOP;
  // #nil/#true/#false may have been rebound: the interpreter reloads its copies
  stSet(S_SP, (rs + 4) as u32);
  return PR_FRAME;
}

export function p_hasGlobal(rs: usize): i32 {
  const s = arg(rs, 0);
  if (!requireSymbol(s)) return PR_STOP;
  return retBool(rs, dict_get(SO_GLOBALS, s) != 0);
}

function isStringLike(o: u32): bool {
  if (isSmall(o)) return false;
  const f = obj_fmt(o);
  return f == FMT_STRING || f == FMT_SYMBOL;
}

export function p_loadFile(rs: usize): i32 {
  const path = arg(rs, 0);
  if (!isStringLike(path)) return prim_failType("object of type 'String_'", path);
  const n = obj_size(path) as i32;
  if (n > 255) return ret(rs, so(SO_NIL));
  const buf = st(S_SYMBOL_SPARE) as usize;
  memory.copy(buf, obj_body(path), n);
  const len = host_readFile(buf, n);
  if (len < 0) return ret(rs, so(SO_NIL));
  const s = mem_newStringFrom(st(S_SCRATCH) as usize, len);
  if (s == 0) return PR_STOP;
  return ret(rs, s);
}

/**
 * Bind, outermost first, every superclass of library class `sym` that is in
 * the library but not a global yet.  Each round walks the chain afresh:
 * binding allocates, and the collector moves objects.
 */
function bindLibrarySuperclasses(sym: u32): bool {
  const nil = so(SO_NIL);
  let pending: u32 = 1;
  while (pending != 0) {
    pending = 0;
    let c = slot(dict_get(SO_LIBRARY, sym), C_SUPERCLASS);
    while (c != nil) {
      const name = slot(c, C_NAME);
      if (dict_get(SO_GLOBALS, name) == 0 && dict_get(SO_LIBRARY, name) == c) pending = name;
      c = slot(c, C_SUPERCLASS);
    }
    if (pending == 0) break;
    rs_push(sym);
    const ok = dict_put(SO_GLOBALS, pending, dict_get(SO_LIBRARY, pending));
    sym = rs_pop();
    if (!ok) return false;
  }
  return true;
}

/**
 * Load class `sym` as System>>load: does: bound global, else the library
 * (bound now), else the host's load_class.  Answers the class, 0 when there
 * is none, -1 when the VM must stop (compile error reported, or out of memory).
 */
export function sys_loadClass(sym: u32): i32 {
  const g = dict_get(SO_GLOBALS, sym);
  if (g != 0) return g as i32;
  const l = dict_get(SO_LIBRARY, sym);
  if (l != 0 && st(S_LINK_LIBRARY) != 0) return l as i32;   // image building: stay unbound
  if (l != 0) {
    // As loading from source does (a superclass is loaded, and bound, before
    // its subclass), bind the library superclasses that are not globals yet.
    rs_push(sym);
    const ok = bindLibrarySuperclasses(sym);
    sym = rs_pop();
    if (!ok || !dict_put(SO_GLOBALS, sym, dict_get(SO_LIBRARY, sym))) return -1;
    return dict_get(SO_GLOBALS, sym) as i32;
  }
  const n = obj_size(sym) as i32;
  if (n > 255) return 0;
  const buf = st(S_SYMBOL_SPARE) as usize;
  memory.copy(buf, obj_body(sym), n);
  const r = host_loadClass(buf, n);
  send_flushCache();
  if (r < 0) {
    stSet(S_ABORTED, 1);
    vm_finish(1);
    return -1;
  }
  return r;
}

export function p_load(rs: usize): i32 {
  const s = arg(rs, 0);
  if (!requireSymbol(s)) return PR_STOP;
  const r = sys_loadClass(s);
  if (r < 0) return PR_STOP;
  return ret(rs, r == 0 ? so(SO_NIL) : r as u32);
}

export function p_exit(rs: usize): i32 {
  const c = arg(rs, 0);
  if (!isSmall(c)) {
    const f = obj_fmt(c);
    if (f == FMT_BIGPOS || f == FMT_BIGNEG) {
      // values beyond the SmallInteger range but within 32 bits are still valid codes
      if (obj_size(c) == 4) {
        const v: i64 = f == FMT_BIGNEG ? -(<i64>load<u32>(obj_body(c))) : <i64>load<u32>(obj_body(c));
        if (v >= -2147483648 && v <= 2147483647) { vm_finish(v as i32); return PR_STOP; }
      }
      return prim_fail("Domain error.");
    }
    return prim_failType("object of type 'Int'", c);
  }
  vm_finish(smallVal(c));
  return PR_STOP;
}

export function p_printString(rs: usize): i32 {
  const s = arg(rs, 0);
  if (!isStringLike(s)) return prim_failType("object of type 'String_'", s);
  io_out(obj_body(s), obj_size(s) as i32);
  return PR_OK;
}

export function p_printNewline(rs: usize): i32 {
  io_outByte(10);
  return PR_OK;
}

export function p_errorPrint(rs: usize, newline: bool): i32 {
  const s = arg(rs, 0);
  if (!isStringLike(s)) return prim_failType("object of type 'String_'", s);
  io_err(obj_body(s), obj_size(s) as i32);
  if (newline) {
    msg_reset();
    msg_lit("\n");
    io_err(msg_ptr(), 1);
  }
  return PR_OK;
}

export function p_printStackTrace(rs: usize): i32 {
  let fp = st(S_FP);
  while (fp != 0) {
    msg_reset();
    const m = load<u32>(fp + FH_METHOD);
    if (load<u32>(fp + FH_CLOSURE) != so(SO_NIL)) msg_lit("[] in ");
    msg_str(slot(slot(m, 1 /* M_HOLDER */), 1 /* C_NAME */)); // holder name
    msg_lit(">>#");
    const sig = slot(m, 0 /* M_SIGNATURE */);
    if (sig != so(SO_NIL)) msg_str(sig);
    msg_lit("\n");
    io_out(msg_ptr(), msg_len());
    fp = smallVal(load<u32>(fp + FH_CALLER)) as u32;
  }
  msg_reset();
  return PR_OK;
}

function elapsedUs(): f64 {
  let t = host_clockUs() - stF(S_START_US);
  if (t < stF(S_TICKS_LAST)) t = stF(S_TICKS_LAST);
  stFSet(S_TICKS_LAST, t);
  return t;
}

export function p_time(rs: usize): i32 {
  const ms = Math.floor(elapsedUs() / 1000.0) as i64;
  const v = int_fromI64(ms);
  if (v == 0) return PR_STOP;
  return ret(rs, v);
}

export function p_ticks(rs: usize): i32 {
  const us = (Math.floor(elapsedUs()) as i64) + 1;
  const v = int_fromI64(us);
  if (v == 0) return PR_STOP;
  return ret(rs, v);
}

export function p_fullGC(rs: usize): i32 {
  gc_collect();
  return ret(rs, so(SO_TRUE));
}


