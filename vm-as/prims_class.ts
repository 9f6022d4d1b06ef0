// Class and Method/Primitive primitives (spec 4.2, 4.3).
import { C_NAME, C_SUPERCLASS, C_FIELDS, C_METHODS, C_INSTSPEC, M_SIGNATURE, M_HOLDER, M_HEADER,
  FMT_ARRAY, FMT_BIGPOS, SO_CLASS_INTEGER, SO_CLASS_DOUBLE } from "./layout";
import { so, stSet, S_SP } from "./vm";
import { slot, setSlot, obj_size, obj_fmt, isSmall, smallVal, mkSmall, mem_newArray, mem_newInstance, mem_newDouble, mh_nargs, is_format, mhdr } from "./memory";
import { PR_OK, PR_STOP, arg, ret, prim_fail, prim_failType } from "./prims";
import { send_invoke, send_checkPrimReceiver } from "./send";
import { arityError } from "./prims_object";

export function p_name(rs: usize): i32 { return ret(rs, slot(load<u32>(rs), C_NAME)); }
export function p_superclass(rs: usize): i32 { return ret(rs, slot(load<u32>(rs), C_SUPERCLASS)); }
export function p_methods(rs: usize): i32 { return ret(rs, slot(load<u32>(rs), C_METHODS)); }

export function p_new(rs: usize): i32 {
  const cls = load<u32>(rs);
  if (cls == so(SO_CLASS_INTEGER)) return ret(rs, mkSmall(0));
  if (cls == so(SO_CLASS_DOUBLE)) {
    const d = mem_newDouble(0.0);
    return d == 0 ? PR_STOP : ret(rs, d);
  }
  const spec = smallVal(slot(cls, C_INSTSPEC));
  if (is_format(spec) == FMT_BIGPOS) return ret(rs, mkSmall(0));
  const o = mem_newInstance(cls, 0);
  if (o == 0) return PR_STOP;
  return ret(rs, o);
}

export function p_fields(rs: usize): i32 {
  const n = obj_size(slot(load<u32>(rs), C_FIELDS)) as i32;
  const a = mem_newArray(n);
  if (a == 0) return PR_STOP;
  const f = slot(load<u32>(rs), C_FIELDS);
  for (let i = 0; i < n; i++) setSlot(a, i, slot(f, i));
  return ret(rs, a);
}

export function p_signature(rs: usize): i32 { return ret(rs, slot(load<u32>(rs), M_SIGNATURE)); }
export function p_holder(rs: usize): i32 { return ret(rs, slot(load<u32>(rs), M_HOLDER)); }

/** method invokeOn: receiver with: anArray — no lookup. */
export function p_invokeOn(rs: usize): i32 {
  const m = load<u32>(rs);
  const rcvr = arg(rs, 0);
  const args = arg(rs, 1);
  if (isSmall(args) || obj_fmt(args) != FMT_ARRAY) return prim_failType("object of type 'Array'", args);
  const n = obj_size(args) as i32;
  const want = mh_nargs(mhdr(m));
  if (n != want) return arityError(n, want);
  if (n > 200) return prim_fail("Too many arguments for invokeOn:with:.");
  if (!send_checkPrimReceiver(m, rcvr)) return PR_STOP;
  store<u32>(rs, rcvr);
  for (let i = 0; i < n; i++) store<u32>(rs + 4 + (i << 2), slot(args, i));
  stSet(S_SP, (rs + 4 + (n << 2)) as u32);
  return send_invoke(m, rs, n);
}


