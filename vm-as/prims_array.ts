// Array primitives (spec 3.21, 4.13): at:, at:put:, length, Array class>>new:.
import { FMT_ARRAY, FMT_BIGNEG, C_INSTSPEC } from "./layout";
import { isSmall, smallVal, mkSmall, obj_fmt, obj_size, slot, setSlot, mem_alloc } from "./memory";
import { st, S_SEMI_BYTES } from "./vm";
import { PR_OK, PR_STOP, arg, ret, prim_fail, prim_failType } from "./prims";
import { msg_reset, msg_lit, msg_int, err_raise } from "./errors";

export function indexError(i: i64, n: i32): i32 {
  msg_reset();
  msg_lit("Index ");
  msg_int(i);
  msg_lit(" not valid for array of length ");
  msg_int(n);
  msg_lit(".");
  err_raise();
  return PR_STOP;
}

function badIndex(ix: u32, n: i32): i32 {
  if (isSmall(ix)) {
    const i = smallVal(ix);
    if (i < 0) return prim_fail("Can't represent as unsigned machine integer.");
    return indexError(i, n);
  }
  if (obj_fmt(ix) == FMT_BIGNEG) return prim_fail("Can't represent as unsigned machine integer.");
  if (obj_fmt(ix) == 4) return prim_fail("Index out of range.");
  return prim_failType("object of type 'Int'", ix);
}

export function p_at(rs: usize): i32 {
  const a = load<u32>(rs);
  const ix = arg(rs, 0);
  if (isSmall(a) || obj_fmt(a) != FMT_ARRAY) return prim_failType("object of type 'Array'", a);
  const n = obj_size(a) as i32;
  if (!isSmall(ix)) return badIndex(ix, n);
  const i = smallVal(ix);
  if (i < 1 || i > n) return badIndex(ix, n);
  return ret(rs, slot(a, i - 1));
}

export function p_atPut(rs: usize): i32 {
  const a = load<u32>(rs);
  const ix = arg(rs, 0);
  if (isSmall(a) || obj_fmt(a) != FMT_ARRAY) return prim_failType("object of type 'Array'", a);
  const n = obj_size(a) as i32;
  if (!isSmall(ix)) return badIndex(ix, n);
  const i = smallVal(ix);
  if (i < 1 || i > n) return badIndex(ix, n);
  setSlot(a, i - 1, arg(rs, 1));
  return PR_OK;
}

export function p_length(rs: usize): i32 {
  const a = load<u32>(rs);
  if (isSmall(a) || obj_fmt(a) != FMT_ARRAY) return prim_failType("object of type 'Array'", a);
  return ret(rs, mkSmall(obj_size(a) as i32));
}

export function p_newArray(rs: usize): i32 {
  const n = arg(rs, 0);
  if (!isSmall(n)) {
    if (obj_fmt(n) == FMT_BIGNEG) return prim_fail("Can't represent as unsigned machine integer.");
    if (obj_fmt(n) == 4) return prim_fail("Out of memory.");
    return prim_failType("object of type 'Int'", n);
  }
  const k = smallVal(n);
  if (k < 0) return prim_fail("Can't represent as unsigned machine integer.");
  if ((k as u32) > (st(S_SEMI_BYTES) >> 2)) return prim_fail("Out of memory.");
  const cls = load<u32>(rs);
  const a = mem_alloc(cls, FMT_ARRAY, k as u32, (k as u32) << 2);
  if (a == 0) return PR_STOP;
  return ret(rs, a);
}


