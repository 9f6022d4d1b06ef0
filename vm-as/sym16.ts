// Symbols of the 16-bit memory: a Symbol is the SmallInteger of its number;
// its text is entry `number` (0-based here, `number + 1` from SOM) of the
// SymbolTable, an Array of Strings (docs/16-BIT.md).  This file answers the
// text of a number and interns a String (asSymbol, perform: of a String
// built at run time).
//
// Invariants:
//  * entries 0 .. count-1 of the table are Strings with pairwise different
//    text; entries count .. size-1 are nil (spare capacity);
//  * numbers never change: a symbol, once interned, is that SmallInteger for
//    the life of the image (object numbers of the Strings are stable too;
//    only their addresses move, so bodies are re-read after any allocation);
//  * at most BITS16_MAX_SYMBOLS symbols: interning one more answers
//    S16_FULL and changes nothing.
//
// Lookup is a scan of the table with a length test first (O(symbols)); an
// intern index (u16 per bucket) is the planned speed-up (docs/16-BIT.md).
import { FMT_ARRAY, FMT_STRING } from "./layout";
import { BITS16_MAX_SYMBOLS } from "./layout16";
import { m16, m16Set, m16_alloc, m16_slot, m16_setSlot, m16_size, m16_body, M16_SYMTAB } from "./mem16";
import { M16_NIL } from "./codeobj";

export { M16_SYMTAB };                  // SymbolTable oop, kept in the record (a root of every collection)
export const M16_SYMCOUNT: i32 = 76;   // symbols in use
export const M16_STRING_CLASS: i32 = 80;
export const M16_ARRAY_CLASS: i32 = 84;

export const S16_FULL: i32 = -2;       // no symbol number left
export const S16_NO_MEMORY: i32 = -3;  // heap or object numbers exhausted

/** Start symbol handling on a loaded image: its table, the symbols in use, the classes of new Strings/tables. */
export function sym16_init(table: u32, count: i32, stringClass: u32, arrayClass: u32): void {
  m16Set(M16_SYMTAB, table);
  m16Set(M16_SYMCOUNT, count as u32);
  m16Set(M16_STRING_CLASS, stringClass);
  m16Set(M16_ARRAY_CLASS, arrayClass);
}

/** The String holding the text of symbol `n`, or 0 when `n` is not a symbol number in use. */
export function sym16_text(n: i32): u32 {
  if (n < 0 || (n as u32) >= m16(M16_SYMCOUNT)) return 0;
  return m16_slot(m16(M16_SYMTAB), n);
}

/** Number of the symbol whose text is the `len` bytes at `p` (not in the heap), or -1. */
export function sym16_lookup(p: usize, len: i32): i32 {
  const t = m16(M16_SYMTAB);
  const n = m16(M16_SYMCOUNT) as i32;
  for (let i = 0; i < n; i++) {
    const s = m16_slot(t, i);
    if (m16_size(s) != (len as u32)) continue;
    if (memory.compare(m16_body(s), p, len) == 0) return i;
  }
  return -1;
}

/**
 * The symbol number of String `str` (an object of this memory, reachable by
 * the caller), adding it to the table when new.  S16_FULL when the 16 384
 * numbers are used up, S16_NO_MEMORY when allocation failed.
 */
export function sym16_intern(str: u32): i32 {
  const len = m16_size(str) as i32;
  const found = sym16_lookup(m16_body(str), len);
  if (found >= 0) return found;
  const count = m16(M16_SYMCOUNT) as i32;
  if (count >= BITS16_MAX_SYMBOLS) return S16_FULL;
  // room first (the new String must never sit unreachable across an allocation)
  let t = m16(M16_SYMTAB);
  const cap = m16_size(t) as i32;
  if (count >= cap) {
    let ncap = cap < 16 ? 32 : cap * 2;
    if (ncap > BITS16_MAX_SYMBOLS) ncap = BITS16_MAX_SYMBOLS;
    const nt = m16_alloc(m16(M16_ARRAY_CLASS), FMT_ARRAY, ncap as u32, m16(M16_NIL));
    if (nt == 0) return S16_NO_MEMORY;
    for (let i = 0; i < count; i++) m16_setSlot(nt, i, m16_slot(t, i));
    m16Set(M16_SYMTAB, nt);
    t = nt;
  }
  const s = m16_alloc(m16(M16_STRING_CLASS), FMT_STRING, len as u32, 0);
  if (s == 0) return S16_NO_MEMORY;
  memory.copy(m16_body(s), m16_body(str), len);   // bodies re-read: the allocation may have moved both
  // the ASCII flag travels with the text
  store<u16>(m16_body(s) - 2, load<u16>(m16_body(str) - 2));
  m16_setSlot(m16(M16_SYMTAB), count, s);
  m16Set(M16_SYMCOUNT, (count + 1) as u32);
  return count;
}
