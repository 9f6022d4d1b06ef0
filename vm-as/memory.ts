// Object memory: allocation, headers, accessors (layout in layout.ts).
//
// Allocation is a bump pointer in the current semispace.  When it does not
// fit, the collector runs (gc.ts) and the allocation is retried once; if it
// still does not fit the runtime error `Out of memory.` is raised and 0 is
// answered.  EVERY caller of an allocating function must check for 0 and
// must not keep oops in locals across the call (push them on the root stack
// or re-read them from frames): objects move.
import {
  HEADER_BYTES, FORMAT_MASK, FLAG_ASCII, HASH_SHIFT, isPointerFormat,
  FMT_ARRAY, FMT_STRING, FMT_DOUBLE, FMT_FIXED, C_INSTSPEC, MH_NCOPIED_SHIFT, MH_NTEMPS_SHIFT, MH_FLAG_NONLOCAL,
  MH_FLAG_BLOCK, M_HEADER,
  SO_NIL, SO_CLASS_ARRAY, SO_CLASS_STRING, SO_CLASS_DOUBLE, SO_CLASS_INTEGER,
} from "./layout";
import { st, stSet, so, rs_push, rs_pop, S_GC_COUNT, S_STACK_BASE, S_ALLOC, S_HEAP_END, S_HASH_SEED, S_LINKING, S_SPECIALS, S_SEMI_BYTES } from "./vm";
import { gc_collect } from "./gc";
import { err_outOfMemory } from "./errors";
import { BITS16 } from "./bits";
import {
  m16, M16_GC_COUNT, m16_alloc, m16_shrink, m16_classOf, m16_slot, m16_setSlot, m16_size, m16_bits, m16_body, m16_addr,
} from "./mem16";
import { BITS16_FORMAT_MASK } from "./layout16";

// ---- tagged values ---------------------------------------------------------
// Registers and frames hold u32 words in both memories.  In the 16-bit memory
// a SmallInteger read from an object slot is sign-extended to this same
// 32-bit tagged form (slot()), and one stored into a slot must satisfy
// fitsSmall (15 bits): setSlot keeps the low 16 bits.
@inline export function isSmall(o: u32): bool { return (o & 1) != 0; }
@inline export function smallVal(o: u32): i32 { return (o as i32) >> 1; }
@inline export function mkSmall(v: i32): u32 { return ((v << 1) | 1) as u32; }
@inline export function fitsSmall(v: i64): bool {
  if (BITS16) return v >= -16384 && v <= 16383;
  return v >= -0x40000000 && v <= 0x3fffffff;
}
/** fitsSmall for an i32 (interpreter fast paths: same constants, no i64). */
@inline export function fitsSmall32(v: i32): bool {
  if (BITS16) return v >= -16384 && v <= 16383;
  return v >= -0x40000000 && v <= 0x3fffffff;
}
/**
 * A closure's home frame as a SmallInteger (BC_HOME).  32-bit only: the frame
 * address, checked together with the activation serial (BC_HOME_SERIAL).
 */
@inline export function home_enc(fp: u32): u32 { return mkSmall(fp as i32); }
@inline export function home_dec(v: u32): u32 { return smallVal(v) as u32; }
/**
 * 16-bit: a closure identifies its home by the activation serial alone, a
 * 30-bit number split over its two 15-bit slots (no frame address, so the
 * frame stack has no size limit from the encoding):
 *
 *   BC_HOME        = serial bits 0..14  (as a 15-bit SmallInteger pattern)
 *   BC_HOME_SERIAL = serial bits 15..29
 *
 * Serials are handed out by one counter for every frame that can be a home
 * and wrap only after 2^30 - 1 activations (as in 32-bit mode), so a frame on
 * the current chain with that serial IS the home activation: a dead home
 * never matches a live frame (interp_nonLocalReturn).
 */
@inline export function home16_lo(serial: u32): u32 { return mkSmall(((serial << 17) as i32) >> 17); }
@inline export function home16_hi(serial: u32): u32 { return mkSmall((((serial >> 15) << 17) as i32) >> 17); }
@inline export function home16_serial(lo: u32, hi: u32): u32 {
  return ((smallVal(lo) as u32) & 0x7fff) | (((smallVal(hi) as u32) & 0x7fff) << 15);
}
/** Activation serial numbers wrap below this mask (frames keep them as SmallIntegers). */
export const SERIAL_MASK: u32 = 0x3fffffff;
/** Largest non-negative SmallInteger, as a mask (hash values). */
export const SMALL_MASK: i32 = BITS16 ? 0x3fff : 0x3fffffff;

// ---- method headers and instance specs ----------------------------------------
/**
 * The header of method `m` in the 32-bit layout (layout.ts MH_*: nArgs 8 |
 * nCopied 8 | nTemps 8 | flags).  16-bit images store it packed in 15 bits
 * (layout16.ts MH16_*: nArgs 4 | nCopied 4 | nTemps 5 | block | nonlocal),
 * or, when it does not fit, as a boxed one-limb Integer of the 32-bit value.
 */
@inline export function mhdr(m: u32): i32 {
  const h = slot(m, M_HEADER);
  if (BITS16) {
    if ((h & 1) == 0) return load<i32>(obj_body(h));   // boxed: the 32-bit value
    const v = smallVal(h);
    return (v & 0xf) | (((v >> 4) & 0xf) << MH_NCOPIED_SHIFT) | (((v >> 8) & 0x1f) << MH_NTEMPS_SHIFT) |
      ((v & (1 << 13)) != 0 ? MH_FLAG_BLOCK : 0) | ((v & (1 << 14)) != 0 ? MH_FLAG_NONLOCAL : 0);
  }
  return smallVal(h);
}
@inline export function mh_nargs(h: i32): i32 { return h & 0xff; }
@inline export function mh_ncopied(h: i32): i32 { return (h >> MH_NCOPIED_SHIFT) & 0xff; }
@inline export function mh_ntemps(h: i32): i32 { return (h >> MH_NTEMPS_SHIFT) & 0xff; }
@inline export function mh_nonlocal(h: i32): bool { return (h & MH_FLAG_NONLOCAL) != 0; }
// Instance spec (C_INSTSPEC): 32-bit fields | format << 16; 16-bit fields (10 bits) | format << 10.
@inline export function is_fields(spec: i32): i32 { if (BITS16) return spec & 0x3ff; return spec & 0xffff; }
@inline export function is_format(spec: i32): i32 { if (BITS16) return (spec >> 10) & FORMAT_MASK; return (spec >> 16) & FORMAT_MASK; }

// ---- headers ---------------------------------------------------------------
@inline export function obj_class(o: u32): u32 { if (BITS16) return m16_classOf(o); return load<u32>(o); }
@inline export function obj_bits(o: u32): u32 { if (BITS16) return m16_bits(o); return load<u32>(o, 4); }
@inline export function obj_fmt(o: u32): i32 {
  if (BITS16) return (m16_bits(o) as i32) & BITS16_FORMAT_MASK;
  return (load<u32>(o, 4) & FORMAT_MASK) as i32;
}
@inline export function obj_size(o: u32): u32 { if (BITS16) return m16_size(o); return load<u32>(o, 8); }
/** Identity hash: from the header (32-bit), the object number (16-bit). */
@inline export function obj_hash(o: u32): u32 { if (BITS16) return o >> 1; return load<u32>(o, 4) >>> HASH_SHIFT; }
@inline export function obj_body(o: u32): usize { if (BITS16) return m16_body(o) as usize; return (o + HEADER_BYTES) as usize; }
@inline export function slot(o: u32, i: i32): u32 {
  if (BITS16) {
    const v = m16_slot(o, i);
    return (v & 1) != 0 ? ((((v << 16) as i32) >> 16) as u32) : v;
  }
  return load<u32>(o + HEADER_BYTES + (i << 2));
}
@inline export function setSlot(o: u32, i: i32, v: u32): void {
  if (BITS16) { m16_setSlot(o, i, v); return; }
  store<u32>(o + HEADER_BYTES + (i << 2), v);
}
/** Slot `i` of `o` with an unsigned index (interpreter operands); same as slot(). */
@inline export function fslot(o: u32, i: u32): u32 {
  if (BITS16) {
    const v = load<u16>(m16_body(o) + (i << 1)) as u32;
    return (v & 1) != 0 ? ((((v << 16) as i32) >> 16) as u32) : v;
  }
  return load<u32>(o + HEADER_BYTES + (i << 2));
}
@inline export function fsetSlot(o: u32, i: u32, v: u32): void {
  if (BITS16) { store<u16>(m16_body(o) + (i << 1), v as u16); return; }
  store<u32>(o + HEADER_BYTES + (i << 2), v);
}
/** Slot `i` of the pointer object whose BODY starts at `body` (cached literal arrays). */
@inline export function bslot(body: u32, i: u32): u32 {
  if (BITS16) {
    const v = load<u16>(body + (i << 1)) as u32;
    return (v & 1) != 0 ? ((((v << 16) as i32) >> 16) as u32) : v;
  }
  return load<u32>(body + (i << 2));
}
/** Replace the format/flags bits of `o`'s header (32-bit: the whole bits word, hash included). */
@inline export function obj_setBits(o: u32, bits: u32): void {
  if (BITS16) { store<u16>(m16_addr(o), bits as u16, 2); return; }
  store<u32>(o, bits, 4);
}
@inline export function isAscii(o: u32): bool {
  if (BITS16) return (m16_bits(o) & FLAG_ASCII) != 0;
  return (load<u32>(o, 4) & FLAG_ASCII) != 0;
}

/** Body bytes of an object (without padding). */
export function obj_bodyBytes(o: u32): u32 {
  const f = obj_fmt(o);
  return isPointerFormat(f) ? obj_size(o) << 2 : obj_size(o);
}
/** Total bytes an object occupies (header + padded body). */
@inline export function obj_totalBytes(o: u32): u32 {
  return HEADER_BYTES + ((obj_bodyBytes(o) + 3) & ~3);
}

/** Class of any value (SmallIntegers are Integers). */
@inline export function classOf(o: u32): u32 {
  if (BITS16) return (o & 1) != 0 ? so(SO_CLASS_INTEGER) : m16_classOf(o);
  return (o & 1) != 0 ? so(SO_CLASS_INTEGER) : load<u32>(o);
}

@inline export function nilOop(): u32 { return so(SO_NIL); }

/**
 * A Double allocated by bumping only (never collects): 0 when the current
 * semispace has no room (the caller then takes its slow path).
 */
@inline export function mem_newDoubleNoGC(x: f64): u32 {
  if (BITS16) return 0;    // the caller's slow path allocates (and may collect)
  const p = st(S_ALLOC);
  if ((HEADER_BYTES as u32) + 8 > st(S_HEAP_END) - p) return 0;
  stSet(S_ALLOC, p + HEADER_BYTES + 8);
  store<u32>(p, so(SO_CLASS_DOUBLE));
  store<u32>(p, (FMT_DOUBLE as u32) | (nextHash() << HASH_SHIFT), 4);
  store<u32>(p, 8, 8);
  store<f64>(p + HEADER_BYTES, x);
  return p;
}

function nextHash(): u32 {
  let x = st(S_HASH_SEED);
  x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
  stSet(S_HASH_SEED, x);
  return x & 0xffffff;
}

/**
 * Allocate an object: header (class, format|flags|hash, size) and a body of
 * `bodyBytes` (padded to 4).  Pointer slots are filled with nil (or 0 before
 * nil exists), byte bodies with zeros.  Answers 0 after raising
 * `Out of memory.` when the heap is exhausted even after a collection.
 */
export function mem_alloc(cls: u32, fmt: i32, size: u32, bodyBytes: u32): u32 {
  if (BITS16) {
    const o = m16_alloc(cls, fmt, isPointerFormat(fmt) ? size : bodyBytes, st(S_SPECIALS) != 0 ? so(SO_NIL) : 0);
    stSet(S_GC_COUNT, m16(M16_GC_COUNT));   // m16_alloc may have collected
    if (o == 0) err_outOfMemory();
    return o;
  }
  if (bodyBytes > st(S_SEMI_BYTES) || (isPointerFormat(fmt) && size > (bodyBytes >> 2))) {
    err_outOfMemory();
    return 0;
  }
  const total: u32 = (HEADER_BYTES as u32) + ((bodyBytes + 3) & ~3);
  let p = st(S_ALLOC);
  if (total > st(S_HEAP_END) - p || total > 0x7fffffff as u32) {
    if (st(S_LINKING) == 0 && total <= 0x7fffffff) {
      // protect cls across the collection
      const clsIsHeap = cls != 0 && (cls & 1) == 0;
      if (clsIsHeap) rs_push(cls);
      gc_collect();
      if (clsIsHeap) cls = rs_pop();
      p = st(S_ALLOC);
    }
    if (total > st(S_HEAP_END) - p || total > 0x7fffffff as u32) {
      err_outOfMemory();
      return 0;
    }
  }
  stSet(S_ALLOC, p + total);
  store<u32>(p, cls);
  store<u32>(p, ((fmt as u32) & FORMAT_MASK) | (nextHash() << HASH_SHIFT), 4);
  store<u32>(p, size, 8);
  const b = p + HEADER_BYTES;
  if (isPointerFormat(fmt)) {
    const nil: u32 = st(S_SPECIALS) != 0 ? so(SO_NIL) : 0;
    for (let i: u32 = 0; i < size; i++) store<u32>(b + (i << 2), nil);
  } else {
    memory.fill(b, 0, (bodyBytes + 3) & ~3);
  }
  return p;
}


/** Free bytes left in the current semispace. */
@inline export function mem_free(): u32 { return st(S_HEAP_END) - st(S_ALLOC); }

/** Shrink the most recently allocated object `o` to `newBodyBytes` (<= old). */
export function mem_shrinkLast(o: u32, newSize: u32, newBodyBytes: u32): void {
  if (BITS16) { m16_shrink(o, newSize); return; }
  const oldEnd = o + obj_totalBytes(o);
  store<u32>(o, newSize, 8);
  const newEnd = o + HEADER_BYTES + ((newBodyBytes + 3) & ~3);
  if (oldEnd == st(S_ALLOC)) stSet(S_ALLOC, newEnd);
  else if (newEnd < oldEnd) {
    // not the last object: leave a filler byte object so the heap stays walkable
    store<u32>(newEnd, load<u32>(o));
    store<u32>(newEnd, 7 /* FMT_BYTES */, 4);
    store<u32>(newEnd, oldEnd - newEnd - HEADER_BYTES, 8);
  }
}

/** Drop the most recently allocated object (only if it is the last one). */
export function mem_dropLast(o: u32): void {
  if (BITS16) { m16_shrink(o, 0); return; }
  if (o + obj_totalBytes(o) == st(S_ALLOC)) stSet(S_ALLOC, o);
}

// ---- common constructors ---------------------------------------------------
export function mem_newArray(n: i32): u32 {
  return mem_alloc(so(SO_CLASS_ARRAY), FMT_ARRAY, n as u32, (n as u32) << 2);
}

/** A String of `len` bytes (zero-filled); the caller copies the bytes and calls str_setAsciiFlag. */
export function mem_newStringRaw(len: i32): u32 {
  return mem_alloc(so(SO_CLASS_STRING), FMT_STRING, len as u32, len as u32);
}

/** Set FLAG_ASCII on a string/symbol from its bytes. */
export function str_setAsciiFlag(o: u32): void {
  const n = obj_size(o);
  const b = obj_body(o);
  let ascii = true;
  for (let i: u32 = 0; i < n; i++) {
    if (load<u8>(b + i) >= 0x80) { ascii = false; break; }
  }
  const bits = obj_bits(o);
  if (BITS16) { store<u16>(m16_addr(o), (ascii ? bits | FLAG_ASCII : bits & ~FLAG_ASCII) as u16, 2); return; }
  store<u32>(o, ascii ? bits | FLAG_ASCII : bits & ~FLAG_ASCII, 4);
}

/** A String copied from non-heap memory (scratch, static buffers). */
export function mem_newStringFrom(src: usize, len: i32): u32 {
  const s = mem_newStringRaw(len);
  if (s == 0) return 0;
  memory.copy(obj_body(s), src, len);
  str_setAsciiFlag(s);
  return s;
}

export function mem_newDouble(x: f64): u32 {
  const d = mem_alloc(so(SO_CLASS_DOUBLE), FMT_DOUBLE, 8, 8);
  if (d == 0) return 0;
  store<f64>(obj_body(d), x);
  return d;
}

@inline export function dbl_val(o: u32): f64 {
  if (BITS16) return load<f64>(m16_body(o));
  return load<f64>(o + HEADER_BYTES);
}

/** New instance of class `cls` per its instspec (fields | format << 16). */
export function mem_newInstance(cls: u32, indexed: i32): u32 {
  const spec = smallVal(slot(cls, C_INSTSPEC));
  const nf = is_fields(spec);
  const fmt = is_format(spec);
  if (fmt == FMT_FIXED || fmt == 10 /* FMT_CLASS */ || fmt == 8 || fmt == 9) {
    return mem_alloc(cls, fmt, nf as u32, (nf as u32) << 2);
  }
  if (fmt == FMT_ARRAY) return mem_alloc(cls, FMT_ARRAY, indexed as u32, (indexed as u32) << 2);
  if (fmt == FMT_DOUBLE) return mem_alloc(cls, FMT_DOUBLE, 8, 8);
  const o = mem_alloc(cls, fmt, indexed as u32, indexed as u32);
  if (o != 0 && (fmt == FMT_STRING || fmt == 3)) str_setAsciiFlag(o);
  return o;
}

/** Is `o` a heap object of format `fmt`? */
@inline export function isFmt(o: u32, fmt: i32): bool {
  return (o & 1) == 0 && obj_fmt(o) == fmt;
}

