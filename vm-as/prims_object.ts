// Object primitives (spec 4.1): class, objectSize, ==, hashcode, perform
// family, instVarAt:, instVarAt:put:, instVarNamed:.
import { BITS16 } from "./bits";
import { isSymbol16 } from "./symbols";
import { sym16_text } from "./sym16";
import { FMT_DOUBLE, FMT_SYMBOL, FMT_STRING, FMT_ARRAY, FMT_FIXED, FMT_CLASS, FMT_BIGPOS, FMT_BIGNEG,
  C_FIXED_SLOTS, C_FIELDS, SO_NIL } from "./layout";
import { so, stSet, S_SP } from "./vm";
import { classOf, isSmall, smallVal, mkSmall, obj_fmt, obj_size, obj_body, obj_hash, obj_totalBytes, slot, setSlot,
  dbl_val, SMALL_MASK } from "./memory";
import { PR_OK, PR_STOP, arg, ret, retBool, prim_fail, prim_failType } from "./prims";
import { send_general } from "./send";
import { msg_reset, msg_lit, msg_int, msg_str, err_raise } from "./errors";
import { big_cmp } from "./bigint";

export function p_class(rs: usize): i32 { return ret(rs, classOf(load<u32>(rs))); }

export function p_objectSize(rs: usize): i32 {
  const o = load<u32>(rs);
  return ret(rs, mkSmall(isSmall(o) ? 4 : obj_totalBytes(o) as i32));
}

function isInt(o: u32): bool {
  if (isSmall(o)) return true;
  const f = obj_fmt(o);
  return f == FMT_BIGPOS || f == FMT_BIGNEG;
}
function isBig(o: u32): bool { return !isSmall(o) && (obj_fmt(o) == FMT_BIGPOS || obj_fmt(o) == FMT_BIGNEG); }
/** Integer value as f64 (for comparisons with Doubles). */
import { int_toF64 } from "./prims_integer";

export function p_identical(rs: usize): i32 {
  const a = load<u32>(rs);
  const b = arg(rs, 0);
  if (a == b) return retBool(rs, true);
  if (!isSmall(a) && obj_fmt(a) == FMT_DOUBLE) {
    if (!isSmall(b) && obj_fmt(b) == FMT_DOUBLE) return retBool(rs, dbl_val(a) == dbl_val(b));
    if (isInt(b)) return retBool(rs, dbl_val(a) == int_toF64(b));
    return retBool(rs, false);
  }
  if (isBig(a) && isBig(b)) {
    return retBool(rs, big_cmp(obj_body(a), (obj_size(a) >> 2) as i32, obj_fmt(a) == FMT_BIGNEG,
      obj_body(b), (obj_size(b) >> 2) as i32, obj_fmt(b) == FMT_BIGNEG) == 0);
  }
  return retBool(rs, false);
}

export function p_hashcode(rs: usize): i32 {
  const o = load<u32>(rs);
  if (isSmall(o)) return PR_OK;
  if (obj_fmt(o) == FMT_DOUBLE) {
    const bits = load<u64>(obj_body(o));
    return ret(rs, mkSmall(((bits ^ (bits >>> 32)) as i32) & SMALL_MASK));
  }
  return ret(rs, mkSmall(obj_hash(o) as i32));
}

/** Number of arguments a selector takes. */
export function selectorArity(sel: u32): i32 {
  if (BITS16) { sel = sym16_text(smallVal(sel)); if (sel == 0) return 0; }   // the Symbol's text
  const n = obj_size(sel) as i32;
  const p = obj_body(sel);
  if (n == 0) return 0;
  const c = load<u8>(p) as i32;
  const isLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95;
  if (!isLetter) return 1;
  let k = 0;
  for (let i = 0; i < n; i++) if (load<u8>(p + i) == 58) k++;
  return k;
}

/** Symbol check for selector-like arguments. */
export function requireSymbol(o: u32): bool {
  if (!isSmall(o) && obj_fmt(o) == FMT_SYMBOL) return true;
  if (BITS16 && isSymbol16(o)) return true;   // 16-bit: a Symbol is a SmallInteger naming a SymbolTable entry
  msg_reset();
  msg_lit("Expected instance of 'Symbol' but got instance of '");
  msg_str(slot(classOf(o), 1 /* C_NAME */));
  msg_lit("'.");
  err_raise();
  return false;
}

export function arityError(n: i32, m: i32): i32 {
  msg_reset();
  msg_lit("Tried passing ");
  msg_int(n);
  msg_lit(" arguments to a function that requires ");
  msg_int(m);
  msg_lit(".");
  err_raise();
  return PR_STOP;
}

/** perform: family.  Stack: rcvr sel [args] [class]. */
export function p_perform(rs: usize, withArgs: bool, inSuper: bool): i32 {
  const sel = arg(rs, 0);
  if (!requireSymbol(sel)) return PR_STOP;
  let nargs = 0;
  let args: u32 = 0;
  if (withArgs) {
    args = arg(rs, 1);
    if (isSmall(args) || obj_fmt(args) != FMT_ARRAY) return prim_failType("object of type 'Array'", args);
    nargs = obj_size(args) as i32;
    if (nargs > 200) return prim_fail("Too many arguments for perform:.");
  }
  let cls: u32 = 0;
  if (inSuper) {
    cls = arg(rs, withArgs ? 2 : 1);
    if (isSmall(cls) || obj_fmt(cls) != FMT_CLASS) return prim_failType("object of type 'Class'", cls);
  }
  const ar = selectorArity(sel);
  if (ar != nargs) return arityError(nargs, ar);
  for (let i = 0; i < nargs; i++) store<u32>(rs + 4 + (i << 2), slot(args, i));
  stSet(S_SP, (rs + 4 + (nargs << 2)) as u32);
  return send_general(rs, sel, nargs, cls);
}

/** Field base and count of an object for instVarAt: (class objects: class-side fields only). */
function fieldRange(o: u32): i32 {
  if (isSmall(o)) return 0;
  const f = obj_fmt(o);
  if (f == FMT_FIXED) return obj_size(o) as i32;
  if (f == FMT_CLASS) return (obj_size(o) as i32) - C_FIXED_SLOTS;
  return 0;
}
@inline function fieldBase(o: u32): i32 { return obj_fmt(o) == FMT_CLASS ? C_FIXED_SLOTS : 0; }

function indexError(i: i64, n: i32): i32 {
  msg_reset();
  msg_lit("Index ");
  msg_int(i);
  msg_lit(" not valid for array of length ");
  msg_int(n);
  msg_lit(".");
  err_raise();
  return PR_STOP;
}

export function p_instVarAt(rs: usize): i32 {
  const o = load<u32>(rs);
  const ix = arg(rs, 0);
  if (!isSmall(ix)) return prim_failType("object of type 'Int'", ix);
  const i = smallVal(ix);
  const n = fieldRange(o);
  if (i < 1 || i > n) return indexError(i, n);
  return ret(rs, slot(o, fieldBase(o) + i - 1));
}

export function p_instVarAtPut(rs: usize): i32 {
  const o = load<u32>(rs);
  const ix = arg(rs, 0);
  if (!isSmall(ix)) return prim_failType("object of type 'Int'", ix);
  const i = smallVal(ix);
  const n = fieldRange(o);
  if (i < 1 || i > n) return indexError(i, n);
  setSlot(o, fieldBase(o) + i - 1, arg(rs, 1));
  return PR_OK;
}

export function p_instVarNamed(rs: usize): i32 {
  const o = load<u32>(rs);
  const name = arg(rs, 0);
  if (!requireSymbol(name)) return PR_STOP;
  const names = slot(classOf(o), C_FIELDS);
  const n = fieldRange(o);
  const m = names == so(SO_NIL) ? 0 : obj_size(names) as i32;
  for (let i = 0; i < m && i < n; i++) {
    if (slot(names, i) == name) return ret(rs, slot(o, fieldBase(o) + i));
  }
  msg_reset();
  msg_lit("No field named ");
  msg_str(name);
  msg_lit(" in ");
  msg_str(slot(classOf(o), 1));
  msg_lit(".");
  err_raise();
  return PR_STOP;
}


