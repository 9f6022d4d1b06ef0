// Integer primitives (spec 3.16, 4.10).  SmallIntegers use i64 arithmetic;
// large integers are FMT_BIGPOS/FMT_BIGNEG objects handled by bigint.ts.
// Every result is normalised: a value that fits 31 bits is a SmallInteger.
//
// Large-integer results are computed straight into a freshly allocated
// object of sufficient capacity, then shrunk; division/bitwise scratch
// (`tmp`) is the other semispace, which is unused between collections.
// Operands are re-read from the frame stack after the allocation.
import { FMT_BIGPOS, FMT_BIGNEG, FMT_DOUBLE, FMT_STRING, FMT_SYMBOL, SO_CLASS_INTEGER, FLAG_ASCII } from "./layout";
import { so, st, stSet, S_NUMBUF, S_OTHER, S_SEMI_BYTES, S_RANDOM } from "./vm";
import { isSmall, smallVal, mkSmall, fitsSmall, obj_fmt, obj_size, obj_body, obj_bits, mem_alloc, mem_shrinkLast,
  mem_dropLast, mem_newDouble, dbl_val, mem_newStringRaw, obj_setBits } from "./memory";
import { PR_OK, PR_STOP, arg, ret, retBool, prim_fail, prim_failType } from "./prims";
import { msg_reset, msg_lit, msg_bytes, err_raise } from "./errors";
import {
  big_cmp, big_add, big_sub, big_mul, big_quoTrunc, big_remTrunc, big_modFloor, big_and, big_xor, big_shl,
  big_shrFloor, big_fromI64, big_fitsI64, big_toI64, big_low32, big_toDouble, big_fromDouble, big_toDecimal,
  big_decimalCap, big_fromDecimal, big_fromDecimalCap, big_sqrtDouble,
} from "./bigint";
import { dbl_binaryWith } from "./prims_double";

// ---- operand views (transient) -----------------------------------------------------
let aP: usize = 0; let aN: i32 = 0; let aNeg: bool = false;
let bP: usize = 0; let bN: i32 = 0; let bNeg: bool = false;

@inline export function isIntOop(o: u32): bool {
  if (isSmall(o)) return true;
  const f = obj_fmt(o);
  return f == FMT_BIGPOS || f == FMT_BIGNEG;
}

function viewA(o: u32): void {
  if (isSmall(o)) {
    const p = big_fromI64(smallVal(o), st(S_NUMBUF));
    aP = st(S_NUMBUF); aN = p >> 1; aNeg = (p & 1) != 0;
  } else {
    aP = obj_body(o); aN = (obj_size(o) >> 2) as i32; aNeg = obj_fmt(o) == FMT_BIGNEG;
  }
}
function viewB(o: u32): void {
  if (isSmall(o)) {
    const p = big_fromI64(smallVal(o), st(S_NUMBUF) + 8);
    bP = st(S_NUMBUF) + 8; bN = p >> 1; bNeg = (p & 1) != 0;
  } else {
    bP = obj_body(o); bN = (obj_size(o) >> 2) as i32; bNeg = obj_fmt(o) == FMT_BIGNEG;
  }
}

/** A fresh large-integer object with room for `cap` limbs (0 on out of memory). */
function newBig(cap: i32): u32 {
  if (cap < 1) cap = 1;
  if ((cap as u32) > (st(S_SEMI_BYTES) >> 2)) {
    msg_reset(); msg_lit("Out of memory."); err_raise();
    return 0;
  }
  return mem_alloc(so(SO_CLASS_INTEGER), FMT_BIGPOS, (cap as u32) << 2, (cap as u32) << 2);
}

/** Finish a result written into `r` with packed (n << 1 | neg): SmallInteger or shrunk object. */
function normalize(r: u32, packed: i32): u32 {
  const n = packed >> 1;
  const neg = (packed & 1) != 0;
  const p = obj_body(r);
  if (n <= 2 && big_fitsI64(p, n, neg)) {
    const v = big_toI64(p, n, neg);
    if (fitsSmall(v)) { mem_dropLast(r); return mkSmall(v as i32); }
  }
  obj_setBits(r, (obj_bits(r) & ~0x1f) | (neg ? FMT_BIGNEG : FMT_BIGPOS));
  mem_shrinkLast(r, (n as u32) << 2, (n as u32) << 2);
  return r;
}

/** Integer from i64 (0 on out of memory). */
export function int_fromI64(v: i64): u32 {
  if (fitsSmall(v)) return mkSmall(v as i32);
  const r = newBig(2);
  if (r == 0) return 0;
  return normalize(r, big_fromI64(v, obj_body(r)));
}

/** Exact Integer from an integral finite double (0 on out of memory). */
export function int_fromF64(x: f64): u32 {
  if (Math.abs(x) < 4.0e18) return int_fromI64(x as i64);
  const r = newBig(33);
  if (r == 0) return 0;
  return normalize(r, big_fromDouble(x, obj_body(r)));
}

/** Integer value as f64 (round-half-even; may be infinite for huge values). */
export function int_toF64(o: u32): f64 {
  if (isSmall(o)) return smallVal(o) as f64;
  return big_toDouble(obj_body(o), (obj_size(o) >> 2) as i32, obj_fmt(o) == FMT_BIGNEG);
}

/** Integer to f64 or raise `Can't represent as double.` (answers NaN then; check finished). */
let convFailed: bool = false;
export function int_toF64Checked(o: u32): f64 {
  convFailed = false;
  const x = int_toF64(o);
  if (!isFinite(x)) { convFailed = true; }
  return x;
}

// Primitive numbers (prims.ts).
const P_ADD = 40, P_SUB = 41, P_MUL = 42, P_DIV = 43, P_FDIV = 44, P_MOD = 45, P_REM = 46, P_AND = 47,
  P_SHL = 48, P_SHR = 49, P_XOR = 50, P_EQ = 53, P_LT = 54;

function numericTypeError(o: u32): i32 { return prim_failType("a numeric type", o); }

export function p_intBinary(op: i32, rs: usize): i32 {
  const a = load<u32>(rs);
  const b = arg(rs, 0);
  if (!isIntOop(b)) {
    if (!isSmall(b) && obj_fmt(b) == FMT_DOUBLE) {
      if (op == P_AND || op == P_XOR || op == P_SHL || op == P_SHR) return prim_failType("object of type 'Int'", b);
      const x = int_toF64(a);
      if (!isFinite(x)) return op == P_EQ ? retBool(rs, false) : prim_fail("Can't represent as double.");
      const y = dbl_val(b);
      if (op == P_DIV) {
        if (y == 0.0) return prim_fail("Division by zero.");
        const q = Math.trunc(x / y);
        if (!isFinite(q)) return prim_fail("Can't represent as integer.");
        const r = int_fromF64(q);
        return r == 0 ? PR_STOP : ret(rs, r);
      }
      if (op == P_REM) return dbl_binaryWith(64, rs, x, y);
      return dbl_binaryWith(op == P_ADD ? 60 : op == P_SUB ? 61 : op == P_MUL ? 62 : op == P_FDIV ? 63 :
        op == P_MOD ? 64 : op == P_EQ ? 70 : 71, rs, x, y);
    }
    if (op == P_EQ) return retBool(rs, false);
    if (op == P_AND || op == P_XOR || op == P_SHL) return prim_failType("object of type 'Int'", b);
    return numericTypeError(b);
  }
  // both Integers
  if (isSmall(a) && isSmall(b)) {
    const x = smallVal(a) as i64;
    const y = smallVal(b) as i64;
    switch (op) {
      case P_ADD: return retInt(rs, x + y);
      case P_SUB: return retInt(rs, x - y);
      case P_MUL: return retInt(rs, x * y);
      case P_DIV: if (y == 0) return prim_fail("Division by zero."); return retInt(rs, x / y);
      case P_MOD: {
        if (y == 0) return prim_fail("Division by zero.");
        let r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) r += y;
        return retInt(rs, r);
      }
      case P_REM: if (y == 0) return prim_fail("Division by zero or overflow."); return retInt(rs, x % y);
      case P_AND: return retInt(rs, x & y);
      case P_XOR: return retInt(rs, x ^ y);
      case P_EQ: return retBool(rs, x == y);
      case P_LT: return retBool(rs, x < y);
      case P_FDIV: {
        if (y == 0) return prim_fail("Division by zero.");
        const d = mem_newDouble((x as f64) / (y as f64));
        return d == 0 ? PR_STOP : ret(rs, d);
      }
      case P_SHL: {
        if (y < 0) return prim_fail("Negative shift.");
        if (x == 0) return retInt(rs, 0);
        if (y <= 32) return retInt(rs, x << y);
        break; // large: big path
      }
      case P_SHR: {
        if (y < 0) return prim_fail("Negative shift.");
        if (y >= 64) return retInt(rs, 0);
        return retInt(rs, ((x as u64) >>> (y as u64)) as i64);
      }
      default: break;
    }
  }
  return bigBinary(op, rs);
}

function retInt(rs: usize, v: i64): i32 {
  const r = int_fromI64(v);
  if (r == 0) return PR_STOP;
  return ret(rs, r);
}

/** Shift count from an Integer oop: -1 negative, -2 too big, else the count. */
function shiftCount(b: u32): i64 {
  if (isSmall(b)) { const v = smallVal(b); return v < 0 ? -1 : v as i64; }
  if (obj_fmt(b) == FMT_BIGNEG) return -1;
  if (obj_size(b) > 4) return -2;
  return load<u32>(obj_body(b)) as i64;
}

function bigBinary(op: i32, rs: usize): i32 {
  let a = load<u32>(rs);
  let b = arg(rs, 0);
  viewA(a); viewB(b);
  switch (op) {
    case P_EQ: return retBool(rs, big_cmp(aP, aN, aNeg, bP, bN, bNeg) == 0);
    case P_LT: return retBool(rs, big_cmp(aP, aN, aNeg, bP, bN, bNeg) < 0);
    case P_FDIV: {
      if (bN == 0) return prim_fail("Division by zero.");
      const x = big_toDouble(aP, aN, aNeg);
      const y = big_toDouble(bP, bN, bNeg);
      if (!isFinite(x) || !isFinite(y)) return prim_fail("Can't represent as double.");
      const d = mem_newDouble(x / y);
      return d == 0 ? PR_STOP : ret(rs, d);
    }
    case P_SHR: {
      const c = shiftCount(b);
      if (c == -1) return prim_fail("Negative shift.");
      if (c == -2) return prim_fail("Shift too big.");
      if (big_fitsI64(aP, aN, aNeg)) {
        const x = big_toI64(aP, aN, aNeg);
        return retInt(rs, c >= 64 ? 0 : ((x as u64) >>> (c as u64)) as i64);
      }
      const r = newBig(aN + 1);
      if (r == 0) return PR_STOP;
      viewA(load<u32>(rs));
      return ret(rs, normalize(r, big_shrFloor(aP, aN, aNeg, c as u32, obj_body(r))));
    }
    case P_SHL: {
      const c = shiftCount(b);
      if (c == -1) return prim_fail("Negative shift.");
      if (c == -2) return prim_fail("Shift too big.");
      if (aN == 0) return ret(rs, mkSmall(0));
      const cap = (aN as i64) + (c >> 5) + 1;
      if (cap > ((st(S_SEMI_BYTES) >> 2) as i64)) return prim_fail("Out of memory.");
      const r = newBig(cap as i32);
      if (r == 0) return PR_STOP;
      viewA(load<u32>(rs));
      return ret(rs, normalize(r, big_shl(aP, aN, aNeg, c as u32, obj_body(r))));
    }
    default: break;
  }
  let cap = 0;
  if (op == P_ADD || op == P_SUB) cap = max(aN, bN) + 1;
  else if (op == P_MUL) cap = aN + bN;
  else if (op == P_DIV) { if (bN == 0) return prim_fail("Division by zero."); cap = aN + 1; }
  else if (op == P_MOD) { if (bN == 0) return prim_fail("Division by zero."); cap = bN + 1; }
  else if (op == P_REM) { if (bN == 0) return prim_fail("Division by zero or overflow."); cap = bN + 1; }
  else if (op == P_AND || op == P_XOR) cap = max(aN, bN) + 1;
  const r = newBig(cap);
  if (r == 0) return PR_STOP;
  a = load<u32>(rs); b = arg(rs, 0);
  viewA(a); viewB(b);
  const out = obj_body(r);
  const tmp = st(S_OTHER) as usize;
  let packed = 0;
  switch (op) {
    case P_ADD: packed = big_add(aP, aN, aNeg, bP, bN, bNeg, out); break;
    case P_SUB: packed = big_sub(aP, aN, aNeg, bP, bN, bNeg, out); break;
    case P_MUL: packed = big_mul(aP, aN, aNeg, bP, bN, bNeg, out); break;
    case P_DIV: packed = big_quoTrunc(aP, aN, aNeg, bP, bN, bNeg, out, tmp); break;
    case P_MOD: packed = big_modFloor(aP, aN, aNeg, bP, bN, bNeg, out, tmp); break;
    case P_REM: packed = big_remTrunc(aP, aN, aNeg, bP, bN, bNeg, out, tmp); break;
    case P_AND: packed = big_and(aP, aN, aNeg, bP, bN, bNeg, out, tmp); break;
    case P_XOR: packed = big_xor(aP, aN, aNeg, bP, bN, bNeg, out, tmp); break;
    default: break;
  }
  return ret(rs, normalize(r, packed));
}

export function p_intSqrt(rs: usize): i32 {
  const a = load<u32>(rs);
  viewA(a);
  if (aNeg) return prim_fail("Domain error.");
  const r = isSmall(a) ? Math.sqrt(smallVal(a) as f64) : big_sqrtDouble(aP, aN, aNeg);
  if (!isFinite(r)) return prim_fail("Can't represent as double.");
  if (Math.floor(r) == r) {
    const i = int_fromF64(r);
    return i == 0 ? PR_STOP : ret(rs, i);
  }
  const d = mem_newDouble(r);
  return d == 0 ? PR_STOP : ret(rs, d);
}

export function p_atRandom(rs: usize): i32 {
  const a = load<u32>(rs);
  let x = load<u64>(st(S_RANDOM));
  x ^= x << 13; x ^= x >>> 7; x ^= x << 17;
  store<u64>(st(S_RANDOM), x);
  if (!isSmall(a)) return retInt(rs, ((x >>> 2) as i64));
  const n = smallVal(a);
  if (n < 1) return ret(rs, mkSmall(n));
  return ret(rs, mkSmall(1 + ((x % (n as u64)) as i32)));
}

export function p_intAsString(rs: usize): i32 {
  const a = load<u32>(rs);
  if (isSmall(a)) {
    let v = smallVal(a) as i64;
    const neg = v < 0;
    if (neg) v = -v;
    let digits = 1;
    let t = v;
    while (t >= 10) { t /= 10; digits++; }
    const n = digits + (neg ? 1 : 0);
    const s = mem_newStringRaw(n);
    if (s == 0) return PR_STOP;
    const p = obj_body(s);
    if (neg) store<u8>(p, 45);
    for (let i = n - 1; i >= (neg ? 1 : 0); i--) { store<u8>(p + i, (48 + (v % 10)) as u8); v /= 10; }
    obj_setBits(s, obj_bits(s) | FLAG_ASCII);
    return ret(rs, s);
  }
  const cap = big_decimalCap((obj_size(a) >> 2) as i32);
  const s = mem_newStringRaw(cap);
  if (s == 0) return PR_STOP;
  viewA(load<u32>(rs));
  const n = big_toDecimal(aP, aN, aNeg, obj_body(s), st(S_OTHER));
  mem_shrinkLast(s, n as u32, n as u32);
  obj_setBits(s, obj_bits(s) | FLAG_ASCII);
  return ret(rs, s);
}

export function p_as32(rs: usize, signed: bool): i32 {
  const a = load<u32>(rs);
  let low: u32;
  if (isSmall(a)) low = smallVal(a) as u32;
  else { viewA(a); low = big_low32(aP, aN, aNeg); }
  return retInt(rs, signed ? ((low as i32) as i64) : (low as i64));
}

export function p_intAsDouble(rs: usize): i32 {
  const x = int_toF64(load<u32>(rs));
  if (!isFinite(x)) return prim_fail("Can't represent as double.");
  const d = mem_newDouble(x);
  return d == 0 ? PR_STOP : ret(rs, d);
}

export function p_intFromString(rs: usize): i32 {
  const s = arg(rs, 0);
  if (isSmall(s) || (obj_fmt(s) != FMT_STRING && obj_fmt(s) != FMT_SYMBOL)) return prim_failType("object of type 'String_'", s);
  const len = obj_size(s) as i32;
  // fast path: up to 9 digits
  const p = obj_body(s);
  if (len > 0 && len <= 10) {
    let i = 0;
    let neg = false;
    if (load<u8>(p) == 45) { neg = true; i = 1; }
    if (i < len) {
      let v: i64 = 0;
      let ok = true;
      for (; i < len; i++) {
        const c = load<u8>(p + i) as i32;
        if (c < 48 || c > 57) { ok = false; break; }
        v = v * 10 + (c - 48);
      }
      if (ok) return retInt(rs, neg ? -v : v);
    }
    return fromStringError(rs, "' cannot be converted to an Integer.");
  }
  const r = newBig(big_fromDecimalCap(len));
  if (r == 0) return PR_STOP;
  const s2 = arg(rs, 0);
  const packed = big_fromDecimal(obj_body(s2), len, obj_body(r));
  if (packed < 0) { mem_dropLast(r); return fromStringError(rs, "' cannot be converted to an Integer."); }
  return ret(rs, normalize(r, packed));
}

export function fromStringError(rs: usize, tail: string): i32 {
  const s = arg(rs, 0);
  msg_reset();
  msg_lit("'");
  msg_bytes(obj_body(s), min(obj_size(s) as i32, 2000));
  msg_lit(tail);
  err_raise();
  return PR_STOP;
}


