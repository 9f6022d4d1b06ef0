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
  FMT_ARRAY, FMT_STRING, FMT_DOUBLE, FMT_FIXED, C_INSTSPEC,
  SO_NIL, SO_CLASS_ARRAY, SO_CLASS_STRING, SO_CLASS_DOUBLE, SO_CLASS_INTEGER,
} from "./layout";
import { st, stSet, so, rs_push, rs_pop, S_ALLOC, S_HEAP_END, S_HASH_SEED, S_LINKING, S_SPECIALS, S_SEMI_BYTES } from "./vm";
import { gc_collect } from "./gc";
import { err_outOfMemory } from "./errors";

// ---- tagged values ---------------------------------------------------------
@inline export function isSmall(o: u32): bool { return (o & 1) != 0; }
@inline export function smallVal(o: u32): i32 { return (o as i32) >> 1; }
@inline export function mkSmall(v: i32): u32 { return ((v << 1) | 1) as u32; }
@inline export function fitsSmall(v: i64): bool { return v >= -0x40000000 && v <= 0x3fffffff; }

// ---- headers ---------------------------------------------------------------
@inline export function obj_class(o: u32): u32 { return load<u32>(o); }
@inline export function obj_bits(o: u32): u32 { return load<u32>(o, 4); }
@inline export function obj_fmt(o: u32): i32 { return (load<u32>(o, 4) & FORMAT_MASK) as i32; }
@inline export function obj_size(o: u32): u32 { return load<u32>(o, 8); }
@inline export function obj_hash(o: u32): u32 { return load<u32>(o, 4) >>> HASH_SHIFT; }
@inline export function obj_body(o: u32): usize { return (o + HEADER_BYTES) as usize; }
@inline export function slot(o: u32, i: i32): u32 { return load<u32>(o + HEADER_BYTES + (i << 2)); }
@inline export function setSlot(o: u32, i: i32, v: u32): void { store<u32>(o + HEADER_BYTES + (i << 2), v); }
@inline export function isAscii(o: u32): bool { return (load<u32>(o, 4) & FLAG_ASCII) != 0; }

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
  return (o & 1) != 0 ? so(SO_CLASS_INTEGER) : load<u32>(o);
}

@inline export function nilOop(): u32 { return so(SO_NIL); }

/**
 * A Double allocated by bumping only (never collects): 0 when the current
 * semispace has no room (the caller then takes its slow path).
 */
@inline export function mem_newDoubleNoGC(x: f64): u32 {
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

@inline export function dbl_val(o: u32): f64 { return load<f64>(o + HEADER_BYTES); }

/** New instance of class `cls` per its instspec (fields | format << 16). */
export function mem_newInstance(cls: u32, indexed: i32): u32 {
  const spec = smallVal(slot(cls, C_INSTSPEC));
  const nf = spec & 0xffff;
  const fmt = (spec >> 16) & FORMAT_MASK;
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

