// Talc 16-bit object memory: pointer format, object table, class pages,
// object headers and copy-down code objects.  Design and reasons:
// docs/16-BIT.md.
//
// Portable subset of AssemblyScript: compiled by both `tsc` (host planner
// host-tools/image/image16.ts) and `asc` (vm-as/mem16.ts, vm-as/codeobj.ts).
//
// ---- Object pointers (16-bit memory) ---------------------------------------
//
//   15                                    1 0
//  +---------------------------------------+-+
//  |  signed 15-bit value  -16384..16383   |1|   SmallInteger (v = oop >> 1);
//  +---------------------------------------+-+   0..16383 double as Symbols
//  |  page (10 bits)   | index in page (5) |0|   object number n = oop >> 1
//  +---------------------------------------+-+
//
//  n indexes the OBJECT TABLE (u32 byte address of the object's header); the
//  collector moves objects and rewrites only the table.  Numbers come in
//  PAGES of 32 consecutive numbers; every object of a page is an instance of
//  the page's class (PAGE TABLE: page -> class oop, u16), so the class is
//  found from the pointer and headers do not store it.  Page 0 is never
//  handed out: its code-object slot is SmallInteger's (see below), and oop 0
//  stays "no object".
//
// ---- Object header (2 halfwords, 4 bytes) -----------------------------------
//
//  +0  u16 size: slots (pointer formats) or bytes (byte formats)
//  +2  u16 | hash (10 bits) | ASCII flag | format (5 bits) |
//  body: u16 slots, or bytes padded to 2
//
// ---- Code objects -----------------------------------------------------------
//
//  One per page in use, at CODE_SPACE + (page << strideShift); page 0 holds
//  SmallInteger's.  Entry for selector s (a SmallInteger < selectorCount) at
//  + s * ENTRY_BYTES:
//
//  +0 u8 kind (E_*)   +1 u8 nArgs   +2 u16 arg   +4 u16 method oop   +6 u16 spare
//
//  The entry address of a send is computed from the receiver pointer alone:
//     page  = (oop >> 6) & ((oop & 1) - 1)        SmallIntegers -> page 0
//     entry = CODE_SPACE + (page << strideShift) + sel * ENTRY_BYTES
//  strideShift = log2 of (selectorCount * ENTRY_BYTES) rounded up to a power of two.
export const BITS16_SMALL_MIN: i32 = -16384;
export const BITS16_SMALL_MAX: i32 = 16383;
export const BITS16_MAX_OBJECTS: i32 = 32768;      // object numbers 0..32767
export const BITS16_PAGE_SHIFT: i32 = 5;           // 32 numbers per page
export const BITS16_PAGE_SIZE: i32 = 32;
export const BITS16_PAGES: i32 = 1024;             // 32768 / 32
export const BITS16_MAX_SYMBOLS: i32 = 16384;      // SmallIntegers 0..16383
export const BITS16_HEADER_BYTES: i32 = 4;
export const BITS16_H_SIZE: i32 = 0;
export const BITS16_H_BITS: i32 = 2;
export const BITS16_FORMAT_MASK: i32 = 0x1f;
export const BITS16_FLAG_ASCII: i32 = 0x20;
export const BITS16_HASH_SHIFT: i32 = 6;           // 10-bit identity hash
export const BITS16_MAX_BODY: i32 = 65535;         // slots or bytes per object

// Packed SmallInteger fields that do not fit 15 bits in their 32-bit form.
// Method header (M_HEADER): nArgs 4 | nCopied 4 | nTemps 5 | block | nonlocal.
export const MH16_NARGS_SHIFT: i32 = 0;
export const MH16_NCOPIED_SHIFT: i32 = 4;
export const MH16_NTEMPS_SHIFT: i32 = 8;
export const MH16_FLAG_BLOCK: i32 = 1 << 13;
export const MH16_FLAG_NONLOCAL: i32 = 1 << 14;
// Class instspec (C_INSTSPEC): fields (10 bits) | format << 10.
export const IS16_FIELDS_MASK: i32 = 0x3ff;
export const IS16_FORMAT_SHIFT: i32 = 10;

// Code-object entries.
export const ENTRY_BYTES: i32 = 8;
export const ENTRY_SHIFT: i32 = 3;
export const E_KIND: i32 = 0;
export const E_NARGS: i32 = 1;
export const E_ARG: i32 = 2;
export const E_METHOD: i32 = 4;
export const E_EMPTY: i32 = 0;     // not understood: doesNotUnderstand:arguments:
export const E_JUMP: i32 = 1;      // bytecode method: activate E_METHOD
export const E_QUICK: i32 = 2;     // whole method inline: E_ARG = quick code (frame.ts QUICK_*, negated)
export const E_PRIM: i32 = 3;      // whole method inline: call primitive E_ARG with method E_METHOD

/** log2 of the code-object stride for `selectorCount` selectors (at least one entry). */
export function strideShiftFor(selectorCount: i32): i32 {
  let s = ENTRY_SHIFT;
  while ((1 << s) < selectorCount * ENTRY_BYTES) s++;
  return s;
}

/** Page of the code object a send to `oop` uses (SmallIntegers: page 0). */
export function pageOfOop(oop: i32): i32 {
  return (oop >> 6) & ((oop & 1) - 1);
}
