// Symbol intern table (SO_SYMBOL_TABLE).
//
// The table is an Array of 1 + cap slots, cap a power of two:
//   slot 0      SmallInteger: number of symbols
//   slot 1+i    a Symbol or nil (open addressing, linear probing)
// A Symbol's identity hash (header bits) IS its content hash (24 bits), so
// probing never reads symbol bytes except to compare candidates, and
// rehashing after growth needs no content access.
import { BITS16 } from "./bits";
import { sym16_lookup, sym16_intern, sym16_text, S16_FULL } from "./sym16";
import { m16, M16_SYMTAB } from "./mem16";
import { FMT_SYMBOL, FLAG_ASCII, HASH_SHIFT, SO_SYMBOL_TABLE, SO_CLASS_SYMBOL, SO_NIL, FORMAT_MASK, SO_GLOBALS } from "./layout";
import { dict_binding } from "./globals";
import { so, soSet, rs_push, rs_pop } from "./vm";
import {
  slot, setSlot, obj_size, obj_body, obj_hash, obj_bits, mem_alloc, mem_newArray, smallVal, mkSmall, str_setAsciiFlag,
  isSmall, mem_newStringFrom,
} from "./memory";
import { msg_set, err_raise, err_outOfMemory } from "./errors";

/** Content hash of UTF-8 bytes (FNV-1a, 24 bits).  Strings and Symbols share it. */
export function str_hash(p: usize, len: i32): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i = 0; i < len; i++) {
    h ^= load<u8>(p + i);
    h *= 0x01000193;
  }
  return (h ^ (h >>> 24)) & 0xffffff;
}

export function sym_equalsBytes(sym: u32, p: usize, len: i32): bool {
  if (obj_size(sym) != (len as u32)) return false;
  return memory.compare(obj_body(sym), p, len) == 0;
}

/** The interned symbol with these bytes, or 0 (never allocates). */
export function sym_lookup(p: usize, len: i32, h: u32): u32 {
  const t = so(SO_SYMBOL_TABLE);
  const mask = (obj_size(t) - 1) - 1;
  const nil = so(SO_NIL);
  let i = h & mask;
  while (true) {
    const s = slot(t, 1 + (i as i32));
    if (s == nil) return 0;
    if (obj_hash(s) == h && sym_equalsBytes(s, p, len)) return s;
    i = (i + 1) & mask;
  }
}

function sym_insert(t: u32, s: u32): void {
  const mask = (obj_size(t) - 1) - 1;
  const nil = so(SO_NIL);
  let i = obj_hash(s) & mask;
  while (slot(t, 1 + (i as i32)) != nil) i = (i + 1) & mask;
  setSlot(t, 1 + (i as i32), s);
}

/** Make room for one more symbol.  May collect.  false on out of memory. */
function sym_reserve(): bool {
  let t = so(SO_SYMBOL_TABLE);
  const cap = obj_size(t) - 1;
  const count = smallVal(slot(t, 0)) as u32;
  if ((count + 1) * 2 <= cap) return true;
  const nt = mem_newArray((cap * 2 + 1) as i32);
  if (nt == 0) return false;
  t = so(SO_SYMBOL_TABLE);
  const nil = so(SO_NIL);
  setSlot(nt, 0, slot(t, 0));
  for (let i: u32 = 1; i <= cap; i++) {
    const s = slot(t, i as i32);
    if (s != nil) sym_insert(nt, s);
  }
  soSet(SO_SYMBOL_TABLE, nt);
  return true;
}

function sym_add(s: u32): void {
  const t = so(SO_SYMBOL_TABLE);
  sym_insert(t, s);
  setSlot(t, 0, mkSmall(smallVal(slot(t, 0)) + 1));
}

function sym_newRaw(len: i32, h: u32): u32 {
  const s = mem_alloc(so(SO_CLASS_SYMBOL), FMT_SYMBOL, len as u32, len as u32);
  if (s == 0) return 0;
  store<u32>(s, (obj_bits(s) & FORMAT_MASK) | (h << HASH_SHIFT), 4);
  return s;
}

/** 16-bit memory: is `o` a Symbol (a SmallInteger naming a SymbolTable entry)? */
export function isSymbol16(o: u32): bool {
  return isSmall(o) && sym16_text(smallVal(o)) != 0;
}

/** 16-bit: intern heap String `s` (kept on the root stack meanwhile); the Symbol, or 0. */
function sym_intern16(s: u32): u32 {
  rs_push(s);
  const n = sym16_intern(s);
  rs_pop();
  const old = so(SO_SYMBOL_TABLE);
  if (m16(M16_SYMTAB) != old) { soSet(SO_SYMBOL_TABLE, m16(M16_SYMTAB)); sym16_rebindGlobal(old); }
  if (n < 0) {
    if (n == S16_FULL) { msg_set("Out of symbols: a 16-bit image has 16384."); err_raise(); }
    else err_outOfMemory();
    return 0;
  }
  return mkSmall(n);
}

// "SymbolTable": the global every 16-bit image binds to the SymbolTable (image16.ts).
const SYMBOL_TABLE_NAME = memory.data<u8>([83, 121, 109, 98, 111, 108, 84, 97, 98, 108, 101]);

/**
 * 16-bit: the SymbolTable grew into a new Array (sym16_intern); the global
 * SymbolTable, while still bound to the old one, follows.  No allocation.
 */
function sym16_rebindGlobal(old: u32): void {
  const n = sym16_lookup(SYMBOL_TABLE_NAME, 11);
  if (n < 0) return;
  const b = dict_binding(SO_GLOBALS, mkSmall(n));
  if (b != 0 && slot(b, 1) == old) setSlot(b, 1, so(SO_SYMBOL_TABLE));
}

/** Intern bytes that do NOT live in the heap.  0 on out of memory. */
export function sym_intern(p: usize, len: i32): u32 {
  if (BITS16) {
    const n = sym16_lookup(p, len);
    if (n >= 0) return mkSmall(n);
    const s = mem_newStringFrom(p, len);
    return s == 0 ? 0 : sym_intern16(s);
  }
  const h = str_hash(p, len);
  const found = sym_lookup(p, len, h);
  if (found != 0) return found;
  if (!sym_reserve()) return 0;
  const s = sym_newRaw(len, h);
  if (s == 0) return 0;
  memory.copy(obj_body(s), p, len);
  str_setAsciiFlag(s);
  sym_add(s);
  return s;
}

/** Intern the bytes of a heap String/Symbol `str`.  0 on out of memory. */
export function sym_internString(str: u32): u32 {
  if (BITS16) {
    const n = sym16_lookup(obj_body(str), obj_size(str) as i32);
    return n >= 0 ? mkSmall(n) : sym_intern16(str);
  }
  const len = obj_size(str) as i32;
  const h = str_hash(obj_body(str), len);
  const found = sym_lookup(obj_body(str), len, h);
  if (found != 0) return found;
  rs_push(str);
  const ok = sym_reserve();
  const s = ok ? sym_newRaw(len, h) : 0;
  str = rs_pop();
  if (s == 0) return 0;
  memory.copy(obj_body(s), obj_body(str), len);
  str_setAsciiFlag(s);
  sym_add(s);
  return s;
}

/** Intern an ASCII AssemblyScript string literal (static data; no allocation by AS). */
export function sym_internLit(text: string, buf: usize): u32 {
  const n = text.length;
  for (let i = 0; i < n; i++) store<u8>(buf + i, text.charCodeAt(i) as u8);
  return sym_intern(buf, n);
}


