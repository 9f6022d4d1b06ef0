// Global bindings (SO_GLOBALS) and the class library (SO_LIBRARY).
//
// Both are symbol dictionaries: an Array of 1 + cap slots, cap a power of two:
//   slot 0      SmallInteger: number of bindings
//   slot 1+i    nil or a binding: a 2-slot Array (key Symbol, value)
// Probing uses the key's identity hash (= content hash for Symbols).
// When #nil/#true/#false are rebound, SO_SRC_NIL/TRUE/FALSE follow.
import { BITS16 } from "./bits";
import { sym16_text } from "./sym16";
import { SO_GLOBALS, SO_NIL, SO_SRC_NIL, SO_SRC_TRUE, SO_SRC_FALSE } from "./layout";
import { so, soSet, rs_push, rs_pop } from "./vm";
import { slot, setSlot, obj_size, obj_body, obj_hash, mem_newArray, smallVal, mkSmall } from "./memory";

/** The binding of `sym` in dictionary SO[`which`], or 0. */
export function dict_binding(which: i32, sym: u32): u32 {
  const t = so(which);
  const mask = (obj_size(t) - 1) - 1;
  const nil = so(SO_NIL);
  let i = obj_hash(sym) & mask;
  while (true) {
    const b = slot(t, 1 + (i as i32));
    if (b == nil) return 0;
    if (slot(b, 0) == sym) return b;
    i = (i + 1) & mask;
  }
}

/** Value bound to `sym`, or 0 when unbound. */
export function dict_get(which: i32, sym: u32): u32 {
  const b = dict_binding(which, sym);
  return b == 0 ? 0 : slot(b, 1);
}

function dict_insert(t: u32, b: u32): void {
  const mask = (obj_size(t) - 1) - 1;
  const nil = so(SO_NIL);
  let i = obj_hash(slot(b, 0)) & mask;
  while (slot(t, 1 + (i as i32)) != nil) i = (i + 1) & mask;
  setSlot(t, 1 + (i as i32), b);
}

/** Create or replace the binding of `sym`.  May collect.  false on out of memory. */
export function dict_put(which: i32, sym: u32, value: u32): bool {
  const b0 = dict_binding(which, sym);
  if (b0 != 0) {
    setSlot(b0, 1, value);
    glob_noteRebind(which, sym, value);
    return true;
  }
  rs_push(sym);
  rs_push(value);
  // grow first if needed
  let t = so(which);
  const cap = obj_size(t) - 1;
  const count = smallVal(slot(t, 0)) as u32;
  if ((count + 1) * 2 > cap) {
    const nt = mem_newArray((cap * 2 + 1) as i32);
    if (nt == 0) { rs_pop(); rs_pop(); return false; }
    t = so(which);
    const nil = so(SO_NIL);
    setSlot(nt, 0, slot(t, 0));
    for (let i: u32 = 1; i <= cap; i++) {
      const b = slot(t, i as i32);
      if (b != nil) dict_insert(nt, b);
    }
    soSet(which, nt);
  }
  const b = mem_newArray(2);
  value = rs_pop();
  sym = rs_pop();
  if (b == 0) return false;
  setSlot(b, 0, sym);
  setSlot(b, 1, value);
  t = so(which);
  dict_insert(t, b);
  setSlot(t, 0, mkSmall(smallVal(slot(t, 0)) + 1));
  glob_noteRebind(which, sym, value);
  return true;
}

function glob_noteRebind(which: i32, sym: u32, value: u32): void {
  if (which != SO_GLOBALS) return;
  if (BITS16) { sym = sym16_text(smallVal(sym)); if (sym == 0) return; }   // the Symbol's text
  const n = obj_size(sym);
  if (n < 3 || n > 5) return;
  const p = obj_body(sym);
  if (n == 3 && load<u8>(p) == 0x6e && load<u8>(p + 1) == 0x69 && load<u8>(p + 2) == 0x6c) soSet(SO_SRC_NIL, value);
  else if (n == 4 && load<u32>(p) == 0x65757274) soSet(SO_SRC_TRUE, value);          // "true"
  else if (n == 5 && load<u32>(p) == 0x736c6166 && load<u8>(p + 4) == 0x65) soSet(SO_SRC_FALSE, value); // "false"
}

@inline export function glob_get(sym: u32): u32 { return dict_get(SO_GLOBALS, sym); }
@inline export function glob_put(sym: u32, value: u32): bool { return dict_put(SO_GLOBALS, sym, value); }
