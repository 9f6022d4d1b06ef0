// The primitive table: (declaring class name, side, selector) -> number, and
// the dispatcher.  Spec 4.18 lists the 92 primitive methods.  A primitive
// method the VM does not know is linked with number 0; invoking it is a
// runtime error naming class and selector.
//
// Calling convention: the receiver is in the frame-stack slot `rs`, the
// arguments in the slots above it, S_SP just above the last argument, the
// caller's registers saved.  A primitive answers
//   PR_OK     result stored in the receiver slot (the caller pops the args)
//   PR_FRAME  frames changed (a method/block was activated, or a send set up)
//   PR_STOP   the VM finished (runtime error or exit)
// Primitives re-read their operands from the stack after anything that may
// allocate (objects move).
import { M_HOLDER, M_SIGNATURE, C_NAME, FMT_STRING, FMT_SYMBOL, FMT_DOUBLE, FMT_BIGPOS, FMT_BIGNEG, FMT_ARRAY,
  FMT_CLOSURE, FMT_CLASS, FMT_METHOD, SO_NIL, SO_TRUE, SO_FALSE, SO_CLASS_INTEGER, SO_CLASS_DOUBLE } from "./layout";
import { slot, obj_size, obj_body, obj_fmt, isSmall } from "./memory";
import { so } from "./vm";
import { msg_reset, msg_lit, msg_str, err_raise } from "./errors";
import * as O from "./prims_object";
import * as K from "./prims_class";
import * as Y from "./prims_system";
import * as B from "./prims_block";
import * as I from "./prims_integer";
import * as D from "./prims_double";
import * as S from "./prims_string";
import * as A from "./prims_array";
import * as T from "./prims_talc";

export const PR_OK: i32 = 0;
export const PR_FRAME: i32 = 1;
export const PR_STOP: i32 = 2;

// Keys "Holder>>selector" (class side: "Holder class>>selector") and numbers.
const PRIM_KEYS: string[] = [
  "Object>>class", "Object>>objectSize", "Object>>==", "Object>>hashcode", "Object>>inspect", "Object>>halt",
  "Object>>perform:", "Object>>perform:withArguments:", "Object>>perform:inSuperclass:",
  "Object>>perform:withArguments:inSuperclass:", "Object>>instVarAt:", "Object>>instVarAt:put:", "Object>>instVarNamed:",
  "Class>>name", "Class>>new", "Class>>superclass", "Class>>fields", "Class>>methods",
  "Method>>signature", "Method>>holder", "Method>>invokeOn:with:",
  "Primitive>>signature", "Primitive>>holder", "Primitive>>invokeOn:with:",
  "System>>global:", "System>>global:put:", "System>>hasGlobal:", "System>>loadFile:", "System>>load:", "System>>exit:",
  "System>>printString:", "System>>printNewline", "System>>errorPrintln:", "System>>errorPrint:",
  "System>>printStackTrace", "System>>time", "System>>ticks", "System>>fullGC",
  "Block>>value", "Block>>restart", "Block1>>value", "Block2>>value:", "Block3>>value:with:",
  "Integer>>+", "Integer>>-", "Integer>>*", "Integer>>/", "Integer>>//", "Integer>>%", "Integer>>rem:", "Integer>>&",
  "Integer>><<", "Integer>>>>>", "Integer>>bitXor:", "Integer>>sqrt", "Integer>>atRandom", "Integer>>=", "Integer>><",
  "Integer>>asString", "Integer>>as32BitSignedValue", "Integer>>as32BitUnsignedValue", "Integer>>asDouble",
  "Integer class>>fromString:",
  "Double>>+", "Double>>-", "Double>>*", "Double>>//", "Double>>%", "Double>>sqrt", "Double>>round", "Double>>asInteger",
  "Double>>cos", "Double>>sin", "Double>>=", "Double>><", "Double>>asString",
  "Double class>>PositiveInfinity", "Double class>>fromString:",
  "String>>concatenate:", "String>>asSymbol", "String>>hashcode", "String>>length", "String>>isWhiteSpace",
  "String>>isLetters", "String>>isDigits", "String>>=", "String>>primSubstringFrom:to:",
  "Symbol>>asString",
  "Array>>at:", "Array>>at:put:", "Array>>length", "Array class>>new:",
  "Talc class>>snapshot",
];
const PRIM_NUMS: i32[] = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
  14, 15, 16, 17, 18,
  19, 20, 21, 19, 20, 21,
  22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
  36, 37, 36, 38, 39,
  40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58,
  59,
  60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72,
  73, 74,
  75, 76, 77, 78, 79, 80, 81, 82, 83,
  84,
  85, 86, 87, 88,
  89,
];
export const P_OBJECT_EQEQ: i32 = 3;   // Object>>== (p_identical)
export const P_ARRAY_AT: i32 = 85;
export const P_ARRAY_ATPUT: i32 = 86;
export const P_ARRAY_LENGTH: i32 = 87;
export const P_BLOCK_VALUE: i32 = 36;
export const P_BLOCK_VALUE1: i32 = 38;
export const P_BLOCK_VALUE2: i32 = 39;

function keyMatches(key: string, holder: u32, sel: u32): bool {
  const hn = obj_size(holder) as i32;
  const sn = obj_size(sel) as i32;
  if (key.length != hn + 2 + sn) return false;
  const hp = obj_body(holder);
  for (let i = 0; i < hn; i++) if (key.charCodeAt(i) != (load<u8>(hp + i) as i32)) return false;
  if (key.charCodeAt(hn) != 62 || key.charCodeAt(hn + 1) != 62) return false;
  const sp = obj_body(sel);
  for (let i = 0; i < sn; i++) if (key.charCodeAt(hn + 2 + i) != (load<u8>(sp + i) as i32)) return false;
  return true;
}

/** Primitive number for holder name (Symbol, "X" or "X class") and selector; 0 if unknown. */
export function prims_lookup(holderName: u32, sel: u32): i32 {
  const n = PRIM_KEYS.length;
  for (let i = 0; i < n; i++) {
    if (keyMatches(unchecked(PRIM_KEYS[i]), holderName, sel)) return unchecked(PRIM_NUMS[i]);
  }
  return 0;
}

/** The Rust reference's type name of a value (spec 5.4). */
export function prim_typeName(o: u32): string {
  if (isSmall(o)) return "Int";
  const f = obj_fmt(o);
  if (f == FMT_BIGPOS || f == FMT_BIGNEG) return "Int";
  if (f == FMT_DOUBLE) return "Double";
  if (f == FMT_STRING) return "String_";
  if (f == FMT_SYMBOL) return "Symbol";
  if (f == FMT_ARRAY) return "Array";
  if (f == FMT_CLOSURE) return "Block";
  if (f == FMT_CLASS) return "Class";
  if (f == FMT_METHOD) return "Invokable";
  if (o == so(SO_NIL)) return "Nil";
  if (o == so(SO_TRUE) || o == so(SO_FALSE)) return "Boolean";
  return "Inst";
}

/** Runtime error `Expected <what> but got type '<T>'.` */
export function prim_failType(what: string, o: u32): i32 {
  msg_reset();
  msg_lit("Expected ");
  msg_lit(what);
  msg_lit(" but got type '");
  msg_lit(prim_typeName(o));
  msg_lit("'.");
  err_raise();
  return PR_STOP;
}

/** Runtime error with a literal message. */
export function prim_fail(text: string): i32 {
  msg_reset();
  msg_lit(text);
  err_raise();
  return PR_STOP;
}

@inline export function arg(rs: usize, i: i32): u32 { return load<u32>(rs + 4 + (i << 2)); }
@inline export function ret(rs: usize, v: u32): i32 { store<u32>(rs, v); return PR_OK; }
@inline export function retBool(rs: usize, b: bool): i32 { store<u32>(rs, so(b ? SO_TRUE : SO_FALSE)); return PR_OK; }

export function prim_call(n: i32, m: u32, rs: usize, nargs: i32): i32 {
  switch (n) {
    case 1: return O.p_class(rs);
    case 2: return O.p_objectSize(rs);
    case 3: return O.p_identical(rs);
    case 4: return O.p_hashcode(rs);
    case 5: case 6: return PR_OK;
    case 7: return O.p_perform(rs, false, false);
    case 8: return O.p_perform(rs, true, false);
    case 9: return O.p_perform(rs, false, true);
    case 10: return O.p_perform(rs, true, true);
    case 11: return O.p_instVarAt(rs);
    case 12: return O.p_instVarAtPut(rs);
    case 13: return O.p_instVarNamed(rs);
    case 14: return K.p_name(rs);
    case 15: return K.p_new(rs);
    case 16: return K.p_superclass(rs);
    case 17: return K.p_fields(rs);
    case 18: return K.p_methods(rs);
    case 19: return K.p_signature(rs);
    case 20: return K.p_holder(rs);
    case 21: return K.p_invokeOn(rs);
    case 22: return Y.p_global(rs);
    case 23: return Y.p_globalPut(rs);
    case 24: return Y.p_hasGlobal(rs);
    case 25: return Y.p_loadFile(rs);
    case 26: return Y.p_load(rs);
    case 27: return Y.p_exit(rs);
    case 28: return Y.p_printString(rs);
    case 29: return Y.p_printNewline(rs);
    case 30: return Y.p_errorPrint(rs, true);
    case 31: return Y.p_errorPrint(rs, false);
    case 32: return Y.p_printStackTrace(rs);
    case 33: return Y.p_time(rs);
    case 34: return Y.p_ticks(rs);
    case 35: return Y.p_fullGC(rs);
    case 36: return B.p_value(rs, 0);
    case 37: return B.p_restart(rs);
    case 38: return B.p_value(rs, 1);
    case 39: return B.p_value(rs, 2);
    case 40: case 41: case 42: case 43: case 44: case 45: case 46: case 47: case 48: case 49: case 50:
    case 53: case 54:
      return I.p_intBinary(n, rs);
    case 51: return I.p_intSqrt(rs);
    case 52: return I.p_atRandom(rs);
    case 55: return I.p_intAsString(rs);
    case 56: return I.p_as32(rs, true);
    case 57: return I.p_as32(rs, false);
    case 58: return I.p_intAsDouble(rs);
    case 59: return I.p_intFromString(rs);
    case 60: case 61: case 62: case 63: case 64: case 70: case 71:
      return D.p_dblBinary(n, rs);
    case 65: case 68: case 69: return D.p_dblUnary(n, rs);
    case 66: return D.p_dblRound(rs, true);
    case 67: return D.p_dblRound(rs, false);
    case 72: return D.p_dblAsString(rs);
    case 73: return D.p_positiveInfinity(rs);
    case 74: return D.p_dblFromString(rs);
    case 75: return S.p_concatenate(rs);
    case 76: return S.p_asSymbol(rs);
    case 77: return S.p_strHashcode(rs);
    case 78: return S.p_strLength(rs);
    case 79: case 80: case 81: return S.p_strClass(rs, n);
    case 82: return S.p_strEquals(rs);
    case 83: return S.p_substring(rs);
    case 84: return S.p_symAsString(rs);
    case 85: return A.p_at(rs);
    case 86: return A.p_atPut(rs);
    case 87: return A.p_length(rs);
    case 88: return A.p_newArray(rs);
    case 89: return T.p_snapshot(rs);
    default: {
      msg_reset();
      msg_lit("Primitive ");
      msg_str(slot(slot(m, M_HOLDER), C_NAME));
      msg_lit(">>");
      msg_str(slot(m, M_SIGNATURE));
      msg_lit(" is not implemented by this VM.");
      err_raise();
      return PR_STOP;
    }
  }
}


