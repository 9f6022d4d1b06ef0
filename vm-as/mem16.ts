// 16-bit object memory (layout16.ts): object table, class pages, 4-byte
// headers, u16 slots, allocation and a mark-compact collector that moves
// objects and rewrites only the object table.
//
// State lives in one record in linear memory (M16_* offsets from `M16`);
// regions set up by m16_init:
//
//   +----------------------+ base
//   | record (M16_*)       | 64 bytes
//   | object table         | 32768 x u32: byte address of the header, 0 = number free
//   | page table           | 1024 x u16: class oop owning the page, 0 = page free
//   | page free counts     | 1024 x u8: free numbers left in the page
//   | mark worklist        | 32768 x u16
//   | heap                 | heapBytes, bump allocation, objects 4-aligned
//   +----------------------+
//
// Invariants:
//  * every object's class is pageTable[n >> 5]; all numbers of a page belong
//    to one class; page 0 is never handed out (SmallInteger's code object).
//  * identity hash = object number (stable: numbers never change while the
//    object lives), so headers carry no hash; bit 7 of the bits halfword is
//    the collector's mark, clear outside m16_collect.
//  * objects are never referenced by address outside this file: the
//    collector may move any object at any allocation.
import { isPointerFormat } from "./layout";
import { BITS16 } from "./bits";
import { st, S_SPECIALS, S_ARGS, S_STACK_BASE, S_SP, S_ROOT_BASE, S_ROOT_SP } from "./vm";
import {
  BITS16_HEADER_BYTES, BITS16_MAX_OBJECTS, BITS16_PAGES, BITS16_PAGE_SIZE, BITS16_FORMAT_MASK,
  BITS16_MAX_BODY,
} from "./layout16";

export const M16_TABLE: i32 = 0;       // object table address
export const M16_PAGES: i32 = 4;       // page table address
export const M16_WORK: i32 = 8;        // mark worklist address
export const M16_HEAP: i32 = 12;       // heap start
export const M16_HEAP_END: i32 = 16;
export const M16_ALLOC: i32 = 20;      // bump pointer
export const M16_ROOTS: i32 = 24;      // root area address (u16 oops), set by the embedder
export const M16_NROOTS: i32 = 28;     // number of roots
export const M16_GC_COUNT: i32 = 32;
export const M16_ERROR: i32 = 36;      // 0 ok, 1 out of memory (heap), 2 out of object numbers
export const M16_PAGE_HOOK: i32 = 40;  // 1: call codeobj on new/freed pages (set by codeobj)
export const M16_FREE: i32 = 64;       // page free-count table address
export const M16_HINT: i32 = 68;       // last page a number was taken from
export const M16_SYMTAB: i32 = 72;     // SymbolTable oop (sym16.ts); a root of every collection
export const M16_RECORD_BYTES: i32 = 128;

export const M16_MARK: u32 = 0x80;
export const M16_OK: i32 = 0;
export const M16_OUT_OF_HEAP: i32 = 1;
export const M16_OUT_OF_NUMBERS: i32 = 2;

export let M16: usize = 0;

@inline export function m16(off: i32): u32 { return load<u32>(M16 + off); }
@inline export function m16Set(off: i32, v: u32): void { store<u32>(M16 + off, v); }

/** Bytes of memory m16_init needs for a heap of `heapBytes`. */
export function m16_bytesNeeded(heapBytes: u32): u32 {
  return (M16_RECORD_BYTES as u32) + 4 * BITS16_MAX_OBJECTS + 3 * BITS16_PAGES + 2 * BITS16_MAX_OBJECTS + heapBytes;
}

/** Set up an empty 16-bit memory at `base` (memory must already be there). */
export function m16_init(base: usize, heapBytes: u32): void {
  M16 = base;
  memory.fill(base, 0, m16_bytesNeeded(0));
  const table = base + M16_RECORD_BYTES;
  const pages = table + 4 * BITS16_MAX_OBJECTS;
  const free = pages + 2 * BITS16_PAGES;
  const work = free + BITS16_PAGES;
  m16Set(M16_FREE, free as u32);
  const heap = work + 2 * BITS16_MAX_OBJECTS;
  m16Set(M16_TABLE, table as u32);
  m16Set(M16_PAGES, pages as u32);
  m16Set(M16_WORK, work as u32);
  m16Set(M16_HEAP, heap as u32);
  m16Set(M16_HEAP_END, (heap + heapBytes) as u32);
  m16Set(M16_ALLOC, heap as u32);
}

// ---- tagged values ---------------------------------------------------------
@inline export function isSmall16(o: u32): bool { return (o & 1) != 0; }
@inline export function smallVal16(o: u32): i32 { return ((o << 16) as i32) >> 17; }
@inline export function mkSmall16(v: i32): u32 { return (((v << 1) | 1) & 0xffff) as u32; }
@inline export function fitsSmall16(v: i64): bool { return v >= -16384 && v <= 16383; }

// ---- table and headers -------------------------------------------------------
@inline export function m16_addr(o: u32): u32 { return load<u32>(m16(M16_TABLE) + ((o >> 1) << 2)); }
@inline export function m16_pageClass(page: i32): u32 { return load<u16>(m16(M16_PAGES) + (page << 1)) as u32; }
@inline export function m16_setPageClass(page: i32, cls: u32): void { store<u16>(m16(M16_PAGES) + (page << 1), cls as u16); }
/** Class of a heap object: from its pointer alone (page table), no header load. */
@inline export function m16_classOf(o: u32): u32 { return m16_pageClass((o >> 6) as i32); }
@inline export function m16_size(o: u32): u32 { return load<u16>(m16_addr(o)) as u32; }
@inline export function m16_fmt(o: u32): i32 { return (load<u16>(m16_addr(o), 2) as i32) & BITS16_FORMAT_MASK; }
@inline export function m16_bits(o: u32): u32 { return load<u16>(m16_addr(o), 2) as u32; }
@inline export function m16_hash(o: u32): u32 { return o >> 1; }
@inline export function m16_body(o: u32): u32 { return m16_addr(o) + BITS16_HEADER_BYTES; }
@inline export function m16_slot(o: u32, i: i32): u32 { return load<u16>(m16_addr(o) + BITS16_HEADER_BYTES + (i << 1)) as u32; }
@inline export function m16_setSlot(o: u32, i: i32, v: u32): void { store<u16>(m16_addr(o) + BITS16_HEADER_BYTES + (i << 1), v as u16); }

/**
 * Bytes an object with these header fields occupies: header + body padded
 * to 4 (so a shrunk object always leaves room for a filler header, and
 * Doubles and large-integer limbs are aligned).
 */
@inline export function m16_totalBytes(fmt: i32, size: u32): u32 {
  return ((BITS16_HEADER_BYTES as u32) + (isPointerFormat(fmt) ? size << 1 : size) + 3) & ~3;
}

/**
 * Shrink object `o` to `newSize` slots/bytes (<= its size).  The freed tail
 * goes back to the bump pointer when `o` is the last object, else becomes a
 * dead filler object that the collector skips.
 */
export function m16_shrink(o: u32, newSize: u32): void {
  const a = m16_addr(o);
  const fmt = (load<u16>(a, 2) as i32) & BITS16_FORMAT_MASK;
  const oldEnd = a + m16_totalBytes(fmt, load<u16>(a) as u32);
  store<u16>(a, newSize as u16);
  const newEnd = a + m16_totalBytes(fmt, newSize);
  if (oldEnd == m16(M16_ALLOC)) m16Set(M16_ALLOC, newEnd);
  else if (newEnd < oldEnd) {
    store<u16>(newEnd, (oldEnd - newEnd - BITS16_HEADER_BYTES) as u16);
    store<u16>(newEnd, 7 /* FMT_BYTES, unmarked: dead */, 2);
  }
}

// ---- object numbers ------------------------------------------------------------
/** A free number in a page of class `cls`, taking a fresh page if needed; 0 = none left. */
function m16_numberIn(p: i32): u32 {
  const t = m16(M16_TABLE) + ((p << 5) << 2);
  for (let k = 0; k < BITS16_PAGE_SIZE; k++) {
    if (load<u32>(t + (k << 2)) == 0) return (((p << 5) + k) << 1) as u32;
  }
  return 0;
}

function m16_takeNumber(cls: u32): u32 {
  const free = m16(M16_FREE);
  let page = m16(M16_HINT) as i32;
  if (!(page > 0 && m16_pageClass(page) == cls && load<u8>(free + page) != 0)) {
    page = 0;
    let fresh: i32 = 0;
    for (let p = 1; p < BITS16_PAGES; p++) {
      const c = m16_pageClass(p);
      if (c == cls && load<u8>(free + p) != 0) { page = p; break; }
      if (c == 0 && fresh == 0) fresh = p;
    }
    if (page == 0) {
      if (fresh == 0) return 0;
      page = fresh;
      m16_setPageClass(page, cls);
      store<u8>(free + page, BITS16_PAGE_SIZE as u8);
      if (m16(M16_PAGE_HOOK) != 0) m16_pageHook(page);
    }
    m16Set(M16_HINT, page as u32);
  }
  store<u8>(free + page, load<u8>(free + page) - 1);
  return m16_numberIn(page);
}

// Set by codeobj.ts (code object of a new page); a function table entry
// would need closures, so the hook is one direct call guarded by a flag.
import { c16_newPage } from "./codeobj";
function m16_pageHook(page: i32): void { c16_newPage(page); }

/**
 * Allocate an instance of `cls` (a class oop) with format `fmt` and `size`
 * slots (pointer formats, filled with `fill`) or bytes (zeroed).  Collects
 * once when the heap is full.  Answers 0 and sets M16_ERROR when the heap or
 * the object numbers are exhausted — never traps.
 */
export function m16_alloc(cls: u32, fmt: i32, size: u32, fill: u32): u32 {
  if (size > (BITS16_MAX_BODY as u32)) { m16Set(M16_ERROR, M16_OUT_OF_HEAP); return 0; }
  const total = m16_totalBytes(fmt, size);
  if (total > m16(M16_HEAP_END) - m16(M16_ALLOC)) {
    m16_collect();
    if (total > m16(M16_HEAP_END) - m16(M16_ALLOC)) { m16Set(M16_ERROR, M16_OUT_OF_HEAP); return 0; }
  }
  let o = m16_takeNumber(cls);
  if (o == 0) {
    m16_collect();
    o = m16_takeNumber(cls);
    if (o == 0) { m16Set(M16_ERROR, M16_OUT_OF_NUMBERS); return 0; }
  }
  const a = m16(M16_ALLOC);
  m16Set(M16_ALLOC, a + total);
  store<u32>(m16(M16_TABLE) + ((o >> 1) << 2), a);
  store<u16>(a, size as u16);
  store<u16>(a, (fmt & BITS16_FORMAT_MASK) as u16, 2);
  const b = a + BITS16_HEADER_BYTES;
  if (isPointerFormat(fmt)) {
    for (let i: u32 = 0; i < size; i++) store<u16>(b + (i << 1), fill as u16);
  } else {
    memory.fill(b, 0, total - BITS16_HEADER_BYTES);
  }
  return o;
}

// ---- collector -------------------------------------------------------------
function m16_mark(o: u32, sp: u32): u32 {
  if ((o & 1) != 0 || o == 0) return sp;
  const a = m16_addr(o);
  if (a == 0) return sp;
  const bits = load<u16>(a, 2) as u32;
  if ((bits & M16_MARK) != 0) return sp;
  store<u16>(a, (bits | M16_MARK) as u16, 2);
  store<u16>(sp, o as u16);
  return sp + 2;
}

/** Mark every oop among the u32 words [from, to) (frame stack, root stack: oops or SmallIntegers). */
function m16_markWords(from: u32, to: u32, sp: u32): u32 {
  for (let p = from; p < to; p += 4) {
    const w = load<u32>(p);
    if ((w & 1) == 0 && w != 0 && w < 0x10000) sp = m16_mark(w, sp);
  }
  return sp;
}

/**
 * Mark from the roots (M16_ROOTS, the SymbolTable, every class owning a page
 * and, in the 16-bit VM, the VM's roots: special objects, the argument
 * Array, the frame stack and the root stack), then slide
 * live objects down.  Dead objects' numbers become free; a page with no live
 * number is freed.  Only the object table changes: no pointer moves.
 */
export function m16_collect(): void {
  const table = m16(M16_TABLE);
  const base = m16(M16_WORK);
  let sp = base;
  const roots = m16(M16_ROOTS);
  const nroots = m16(M16_NROOTS);
  for (let i: u32 = 0; i < nroots; i++) sp = m16_mark(load<u16>(roots + (i << 1)) as u32, sp);
  sp = m16_mark(m16(M16_SYMTAB), sp);
  if (BITS16) {
    sp = m16_mark(st(S_SPECIALS), sp);
    sp = m16_mark(st(S_ARGS), sp);
    sp = m16_markWords(st(S_STACK_BASE), st(S_SP), sp);
    sp = m16_markWords(st(S_ROOT_BASE), st(S_ROOT_SP), sp);
  }
  for (let p = 0; p < BITS16_PAGES; p++) {
    const c = m16_pageClass(p);
    if (c != 0) sp = m16_mark(c, sp);
  }
  while (sp > base) {
    sp -= 2;
    const o = load<u16>(sp) as u32;
    const c = m16_classOf(o);
    sp = m16_mark(c, sp);
    const a = m16_addr(o);
    const fmt = (load<u16>(a, 2) as i32) & BITS16_FORMAT_MASK;
    if (!isPointerFormat(fmt)) continue;
    const n = load<u16>(a) as u32;
    for (let i: u32 = 0; i < n; i++) sp = m16_mark(load<u16>(a + BITS16_HEADER_BYTES + (i << 1)) as u32, sp);
  }
  // Swap: a live object's size goes into its table entry, its number into the header.
  for (let n = BITS16_PAGE_SIZE; n < BITS16_MAX_OBJECTS; n++) {
    const t = table + (n << 2);
    const a = load<u32>(t);
    if (a == 0) continue;
    if ((load<u16>(a, 2) & M16_MARK) != 0) {
      store<u32>(t, load<u16>(a) as u32);
      store<u16>(a, n as u16);
    } else store<u32>(t, 0);
  }
  // Slide.
  let dst = m16(M16_HEAP);
  let a = dst;
  const end = m16(M16_ALLOC);
  while (a < end) {
    const bits = load<u16>(a, 2) as u32;
    const fmt = (bits as i32) & BITS16_FORMAT_MASK;
    if ((bits & M16_MARK) != 0) {
      const n = load<u16>(a) as u32;
      const t = table + (n << 2);
      const size = load<u32>(t);
      const total = m16_totalBytes(fmt, size);
      if (dst != a) memory.copy(dst, a, total);
      store<u16>(dst, size as u16);
      store<u16>(dst, (bits & ~M16_MARK) as u16, 2);
      store<u32>(t, dst);
      dst += total;
      a += total;
    } else {
      a += m16_totalBytes(fmt, load<u16>(a) as u32);
    }
  }
  m16Set(M16_ALLOC, dst);
  // Recount free numbers; free pages with no live number.
  const free = m16(M16_FREE);
  for (let p = 1; p < BITS16_PAGES; p++) {
    if (m16_pageClass(p) == 0) continue;
    let nfree = 0;
    const t = table + ((p << 5) << 2);
    for (let k = 0; k < BITS16_PAGE_SIZE; k++) if (load<u32>(t + (k << 2)) == 0) nfree++;
    store<u8>(free + p, nfree as u8);
    if (nfree == BITS16_PAGE_SIZE) m16_setPageClass(p, 0);
  }
  m16Set(M16_GC_COUNT, m16(M16_GC_COUNT) + 1);
}

/** Pages in use (page 0 excluded). */
export function m16_pagesInUse(): i32 {
  let n = 0;
  for (let p = 1; p < BITS16_PAGES; p++) if (m16_pageClass(p) != 0) n++;
  return n;
}

/** Live object numbers (table entries in use). */
export function m16_objectCount(): i32 {
  const table = m16(M16_TABLE);
  let n = 0;
  for (let i = 0; i < BITS16_MAX_OBJECTS; i++) if (load<u32>(table + (i << 2)) != 0) n++;
  return n;
}
