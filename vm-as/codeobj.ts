// Copy-down code objects for the 16-bit memory (layout16.ts, docs/16-BIT.md).
//
// Every page in use has a code object: one ENTRY_BYTES entry per selector
// (selector = its SmallInteger symbol number), holding the method the page's
// class answers for it — its own or an inherited one, copied down.  A send
// needs no lookup and no class load:
//
//   entry = CODE + (((oop >> 6) & ((oop & 1) - 1)) << shift) + (sel << 3)
//
// SmallIntegers (odd oops) land in page 0, whose code object is SmallInteger's
// (the page table names Integer for page 0; no object ever has a number there).
//
// Invariants:
//  * the entry for (page p, selector s) = the method for s found first on the
//    superclass chain of pageClass(p), E_EMPTY when none (doesNotUnderstand:).
//  * all pages of one class hold identical code objects.
//  * c16_install keeps both after a method is added or replaced at run time.
import {
  C_SUPERCLASS, C_METHODS, M_SIGNATURE, M_BYTECODE, M_HEADER, M_PRIMITIVE,
} from "./layout";
import {
  BITS16_PAGES, ENTRY_SHIFT, ENTRY_BYTES, E_EMPTY, E_JUMP, E_QUICK, E_PRIM, E_KIND, E_NARGS, E_ARG, E_METHOD,
  MH16_NARGS_SHIFT,
} from "./layout16";
import {
  M16, m16, m16Set, M16_PAGE_HOOK, m16_pageClass, m16_setPageClass, m16_slot, m16_size, smallVal16,
} from "./mem16";
import { TRACE_ON, trace_entry16 } from "./trace";

export const M16_CODE: i32 = 44;        // code space address (page 0's code object)
export const M16_SHIFT: i32 = 48;       // log2 of the code-object stride
export const M16_SELECTORS: i32 = 52;   // selectors in use (< stride / ENTRY_BYTES)
export const M16_NIL: i32 = 56;         // nil oop
export const M16_LAST_ENTRY: i32 = 60;  // entry address of the last c16_send (tests, tracing)
/** Deepest superclass chain walked: a cycle in a damaged image ends the walk instead of hanging. */
export const C16_MAX_DEPTH: i32 = 1024;

/** Bytes the code space needs: one code object per possible page. */
export function c16_bytesNeeded(shift: i32): u32 { return (BITS16_PAGES as u32) << (shift as u32); }

/** Set up the code space at `code` (c16_bytesNeeded(shift) bytes) and build SmallInteger's code object (page 0). */
export function c16_init(code: usize, shift: i32, selectors: i32, nil: u32, integerClass: u32): void {
  m16Set(M16_CODE, code as u32);
  m16Set(M16_SHIFT, shift as u32);
  m16Set(M16_SELECTORS, selectors as u32);
  m16Set(M16_NIL, nil);
  m16_setPageClass(0, integerClass);
  c16_buildPage(0, 0);
  // build code objects for pages handed out before the code space existed
  // (a page may copy only from pages already built: those below it)
  for (let p = 1; p < BITS16_PAGES; p++) if (m16_pageClass(p) != 0) c16_buildPage(p, p);
  m16Set(M16_PAGE_HOOK, 1);
}

@inline export function c16_codeObject(page: i32): u32 {
  return m16(M16_CODE) + ((page as u32) << m16(M16_SHIFT));
}

/** THE send: entry address from the receiver pointer and the selector, no loads but the two globals of the record. */
@inline export function c16_entryAddr(oop: u32, sel: u32): u32 {
  return m16(M16_CODE) + (((oop >> 6) & ((oop & 1) - 1)) << m16(M16_SHIFT)) + (sel << ENTRY_SHIFT);
}

function c16_fillEntry(e: u32, m: u32): void {
  const nil = m16(M16_NIL);
  const prim = smallVal16(m16_slot(m, M_PRIMITIVE));
  const nargs = (smallVal16(m16_slot(m, M_HEADER)) >> MH16_NARGS_SHIFT) & 0xf;
  let kind = E_JUMP;
  let arg = 0;
  if (m16_slot(m, M_BYTECODE) == nil) { kind = E_PRIM; arg = prim; }
  else if (prim < 0) { kind = E_QUICK; arg = -prim; }
  store<u8>(e, kind as u8, E_KIND);
  store<u8>(e, nargs as u8, E_NARGS);
  store<u16>(e, arg as u16, E_ARG);
  store<u16>(e, m as u16, E_METHOD);
  store<u16>(e, 0, 6);
}

/** Method of `cls` itself (not inherited) for selector `sel`, or 0. */
function c16_ownMethod(cls: u32, sel: u32): u32 {
  const ms = m16_slot(cls, C_METHODS);
  if (ms == m16(M16_NIL) || (ms & 1) != 0) return 0;
  const n = m16_size(ms) as i32;
  for (let i = n - 1; i >= 0; i--) {
    const m = m16_slot(ms, i);
    if (m16_slot(m, M_SIGNATURE) == sel) return m;
  }
  return 0;
}

/**
 * Fill the code object of `page` by copy-down from its class, or copy the
 * code object of another page of the same class below `builtBelow` (pages
 * whose code objects are complete).
 */
export function c16_buildPage(page: i32, builtBelow: i32): void {
  const cls = m16_pageClass(page);
  const stride = (1 as u32) << m16(M16_SHIFT);
  const code = c16_codeObject(page);
  if (page != 0) {
    for (let p = 1; p < builtBelow; p++) {
      if (p != page && m16_pageClass(p) == cls) { memory.copy(code, c16_codeObject(p), stride); return; }
    }
  }
  memory.fill(code, 0, stride);
  const nil = m16(M16_NIL);
  // Walk up: the first definition met (the most specific) wins.
  let depth = 0;
  for (let c = cls; c != nil && c != 0 && (c & 1) == 0 && depth < C16_MAX_DEPTH; c = m16_slot(c, C_SUPERCLASS)) {
    depth++;
    const ms = m16_slot(c, C_METHODS);
    if (ms == nil || (ms & 1) != 0) continue;
    const n = m16_size(ms) as i32;
    for (let i = 0; i < n; i++) {
      const m = m16_slot(ms, i);
      const sel = m16_slot(m, M_SIGNATURE);
      if ((sel & 1) == 0) continue;             // not a Symbol (block method)
      const e = code + (((sel >> 1) as u32) << ENTRY_SHIFT);
      if ((sel >> 1) >= m16(M16_SELECTORS)) continue;
      if (load<u8>(e) == (E_EMPTY as u8)) c16_fillEntry(e, m);
    }
  }
}

/** Called by mem16 when a page is handed to a class. */
export function c16_newPage(page: i32): void { c16_buildPage(page, BITS16_PAGES); }

/**
 * `m` (already in `cls`'s C_METHODS) was added or replaced at run time:
 * update the entry in every code object whose class reaches `cls` before
 * any override.  Answers the number of entries written, or -1 when the
 * selector is beyond the code objects' width.
 */
export function c16_install(cls: u32, m: u32): i32 {
  const sel = m16_slot(m, M_SIGNATURE);
  const s = (sel >> 1) as u32;
  if ((sel & 1) == 0 || s >= (((1 as u32) << m16(M16_SHIFT)) >> ENTRY_SHIFT)) return -1;
  if (s >= m16(M16_SELECTORS)) m16Set(M16_SELECTORS, s + 1);
  const nil = m16(M16_NIL);
  let written = 0;
  for (let p = 0; p < BITS16_PAGES; p++) {
    const pc = m16_pageClass(p);
    if (pc == 0) continue;
    // does pc reach cls without an override on the way?
    let c = pc;
    let reaches = false;
    let depth = 0;
    while (c != nil && c != 0 && (c & 1) == 0 && depth++ < C16_MAX_DEPTH) {
      if (c == cls) { reaches = true; break; }
      if (c16_ownMethod(c, sel) != 0) break;
      c = m16_slot(c, C_SUPERCLASS);
    }
    if (!reaches) continue;
    c16_fillEntry(c16_codeObject(p) + (s << ENTRY_SHIFT), m);
    written++;
  }
  return written;
}

/**
 * The interpreter's send (16-bit VM): the method in the entry for Symbol
 * `sel` (a tagged SmallInteger) of the code object the receiver's pointer
 * selects, or 0 when not understood.  A selector no class implements
 * (number >= the code objects' width) is one compare away from 0.
 */
@inline export function c16_method(oop: u32, sel: u32): u32 {
  const s = sel >> 1;
  if (s >= m16(M16_SELECTORS)) return 0;
  const e = m16(M16_CODE) + (((oop >> 6) & ((oop & 1) - 1)) << m16(M16_SHIFT)) + (s << ENTRY_SHIFT);
  if (TRACE_ON) trace_entry16(oop, e);   // sim16 target only: the send trace records the entry
  if (load<u8>(e) == (E_EMPTY as u8)) return 0;
  return load<u16>(e, E_METHOD) as u32;
}

/**
 * Dispatch as the interpreter does: the entry from the masked pointer; its
 * method oop, or -1 for an empty entry (doesNotUnderstand:arguments:).
 * Records the entry address in M16_LAST_ENTRY.
 */
export function c16_send(oop: u32, sel: u32): i32 {
  if (sel >= m16(M16_SELECTORS)) return -1;    // perform: of a symbol no class implements
  const e = c16_entryAddr(oop, sel);
  m16Set(M16_LAST_ENTRY, e);
  if (load<u8>(e) == (E_EMPTY as u8)) return -1;
  return load<u16>(e, E_METHOD) as i32;
}

export { M16, ENTRY_BYTES };

/** Method for `sel` on the superclass chain from `cls` (reflection, respondsTo:), or 0. */
export function c16_lookupFrom(cls: u32, sel: u32): u32 {
  const nil = m16(M16_NIL);
  let depth = 0;
  for (let c = cls; c != nil && c != 0 && (c & 1) == 0 && depth++ < C16_MAX_DEPTH; c = m16_slot(c, C_SUPERCLASS)) {
    const m = c16_ownMethod(c, sel);
    if (m != 0) return m;
  }
  return 0;
}

/**
 * A super send from a method of `holder`: the superclass's code object when
 * the superclass owns a page (a computed entry like any send), otherwise the
 * chain walk (a class without instances has no code object).  -1 = not
 * understood.
 */
export function c16_superSend(holder: u32, sel: u32): i32 {
  const sup = m16_slot(holder, C_SUPERCLASS);
  if (sup == m16(M16_NIL) || sel >= m16(M16_SELECTORS)) return -1;
  for (let p = 0; p < BITS16_PAGES; p++) {
    if (m16_pageClass(p) == sup) {
      const e = c16_codeObject(p) + (sel << ENTRY_SHIFT);
      m16Set(M16_LAST_ENTRY, e);
      return load<u8>(e) == (E_EMPTY as u8) ? -1 : (load<u16>(e, E_METHOD) as i32);
    }
  }
  m16Set(M16_LAST_ENTRY, 0);
  const m = c16_lookupFrom(sup, (sel << 1) | 1);
  return m == 0 ? -1 : (m as i32);
}
