// Double primitives (spec 3.17, 4.11).  Doubles are boxed FMT_DOUBLE objects.
import { FMT_DOUBLE, FMT_STRING, FMT_SYMBOL, FLAG_ASCII } from "./layout";
import { st, S_NUMBUF, S_MSG } from "./vm";
import { isSmall, obj_fmt, obj_size, obj_body, obj_bits, mem_newDouble, dbl_val, mem_newStringRaw, obj_setBits } from "./memory";
import { PR_OK, PR_STOP, arg, ret, retBool, prim_fail, prim_failType } from "./prims";
import { isIntOop, int_toF64, int_fromF64, fromStringError } from "./prims_integer";
import { dtoa_format, dtoa_parse } from "./dtoa";

function retDbl(rs: usize, x: f64): i32 {
  const d = mem_newDouble(x);
  return d == 0 ? PR_STOP : ret(rs, d);
}

/** Apply Double primitive `op` (60-64, 70, 71) to x, y; result into the receiver slot. */
export function dbl_binaryWith(op: i32, rs: usize, x: f64, y: f64): i32 {
  switch (op) {
    case 60: return retDbl(rs, x + y);
    case 61: return retDbl(rs, x - y);
    case 62: return retDbl(rs, x * y);
    case 63: if (y == 0.0) return prim_fail("Division by zero."); return retDbl(rs, x / y);
    case 64: return retDbl(rs, x % y);   // fmod: sign of the receiver; zero divisor gives NaN
    case 70: return retBool(rs, x == y);
    case 71: return retBool(rs, x < y);
    default: return PR_STOP;
  }
}

export function p_dblBinary(op: i32, rs: usize): i32 {
  const x = dbl_val(load<u32>(rs));
  const b = arg(rs, 0);
  let y: f64;
  if (!isSmall(b) && obj_fmt(b) == FMT_DOUBLE) y = dbl_val(b);
  else if (isIntOop(b)) {
    y = int_toF64(b);
    if (!isFinite(y)) {
      if (op == 70) return retBool(rs, false);
      return prim_fail("Can't represent as double.");
    }
  } else {
    if (op == 70) return retBool(rs, false);
    return prim_failType("a numeric type", b);
  }
  return dbl_binaryWith(op, rs, x, y);
}

export function p_dblUnary(op: i32, rs: usize): i32 {
  const x = dbl_val(load<u32>(rs));
  if (op == 65) return retDbl(rs, Math.sqrt(x));
  if (op == 68) return retDbl(rs, Math.cos(x));
  return retDbl(rs, Math.sin(x));
}

/** round (halves away from zero) or asInteger (truncation). */
export function p_dblRound(rs: usize, round: bool): i32 {
  const x = dbl_val(load<u32>(rs));
  if (!isFinite(x)) return prim_fail("Can't represent as integer.");
  let t = Math.trunc(x);
  if (round) {
    const f = Math.abs(x - t);
    if (f >= 0.5) t += x < 0 ? -1.0 : 1.0;
  }
  const r = int_fromF64(t);
  return r == 0 ? PR_STOP : ret(rs, r);
}

export function p_dblAsString(rs: usize): i32 {
  const x = dbl_val(load<u32>(rs));
  const buf = st(S_NUMBUF) + 16;   // 48 bytes reserved after the two limb buffers
  const n = dtoa_format(x, buf);
  const s = mem_newStringRaw(n);
  if (s == 0) return PR_STOP;
  memory.copy(obj_body(s), buf, n);
  obj_setBits(s, obj_bits(s) | FLAG_ASCII);
  return ret(rs, s);
}

export function p_positiveInfinity(rs: usize): i32 { return retDbl(rs, Infinity); }

export function p_dblFromString(rs: usize): i32 {
  const s = arg(rs, 0);
  if (isSmall(s) || (obj_fmt(s) != FMT_STRING && obj_fmt(s) != FMT_SYMBOL)) return prim_failType("object of type 'String_'", s);
  const res = st(S_NUMBUF);
  if (dtoa_parse(obj_body(s), obj_size(s) as i32, res) == 0) return fromStringError(rs, "' cannot be converted to a Double.");
  return retDbl(rs, load<f64>(res));
}


