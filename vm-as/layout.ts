// Talc object layout, special objects, image header and class-file tags.
//
// Portable subset of AssemblyScript: compiled by both `tsc` (host tools:
// image inspector, compiler) and `asc` (the VM).  Any change here changes the
// image format: bump IMAGE_VERSION.
//
// ---- Object pointers (32-bit memory) --------------------------------------
//
//   31                                    1 0
//  +---------------------------------------+-+
//  |  signed 31-bit value                  |1|   SmallInteger  (v = oop >> 1)
//  +---------------------------------------+-+
//  |  byte address in linear memory        |0|   heap object, 4-byte aligned
//  +---------------------------------------+-+
//
// ---- Object header (3 words, 12 bytes) -------------------------------------
//
//  word 0  +-------------------------------------------+
//          | class oop      (during GC: forward | 1)   |
//  word 1  +------------------------+-+-+-+------------+
//          | identity hash (24 bit) |   flags | format |   bits 0-4 format, 5 ASCII, 6-7 spare
//  word 2  +------------------------+-----+------------+
//          | size: slots (pointer formats) or bytes    |
//          +-------------------------------------------+
//  body    slots (4 bytes each) or bytes, padded to a multiple of 4
//
export const HEADER_BYTES: i32 = 12;
export const H_CLASS: i32 = 0;
export const H_BITS: i32 = 4;
export const H_SIZE: i32 = 8;

export const FORMAT_MASK: i32 = 0x1f;
export const FLAG_ASCII: i32 = 0x20;   // STRING/SYMBOL: every byte < 0x80
export const HASH_SHIFT: i32 = 8;

// Formats (word 1, bits 0-4).
export const FMT_FIXED: i32 = 0;     // named fields only (ordinary objects)
export const FMT_ARRAY: i32 = 1;     // indexable pointers (Array, temp vectors, bindings)
export const FMT_STRING: i32 = 2;    // UTF-8 bytes, immutable
export const FMT_SYMBOL: i32 = 3;    // UTF-8 bytes, interned
export const FMT_BIGPOS: i32 = 4;    // large Integer >= 0: u32 limbs little-endian, normalised
export const FMT_BIGNEG: i32 = 5;    // large Integer < 0: magnitude as FMT_BIGPOS
export const FMT_DOUBLE: i32 = 6;    // 8 bytes IEEE-754 binary64
export const FMT_BYTES: i32 = 7;     // raw bytes (bytecode, debug info)
export const FMT_METHOD: i32 = 8;    // compiled method (pointer slots, see M_*)
export const FMT_CLOSURE: i32 = 9;   // block closure (pointer slots, see BC_*)
export const FMT_CLASS: i32 = 10;    // class or metaclass (pointer slots, see C_*)

export function isPointerFormat(f: i32): bool {
  return f == FMT_FIXED || f == FMT_ARRAY || f == FMT_METHOD || f == FMT_CLOSURE || f == FMT_CLASS;
}

// ---- Class objects (FMT_CLASS) ---------------------------------------------
// VM-level slots, then the class-side fields (class-instance variables).
// `instVarAt:` on a class object and `Class>>fields` of a metaclass see only
// the class-side fields: index 1 is slot C_FIXED_SLOTS.
export const C_SUPERCLASS: i32 = 0;  // class or nil
export const C_NAME: i32 = 1;        // Symbol (#Foo, #'Foo class')
export const C_METHODS: i32 = 2;     // Array of Method/Primitive in source order (same array every time)
export const C_FIELDS: i32 = 3;      // Array of Symbols: all instance field names, inherited first
export const C_INSTSPEC: i32 = 4;    // SmallInteger: number of fields | (instance format << 16)
export const C_DISPATCH: i32 = 5;    // dispatch data (16-bit copy-down code object later); nil for now
export const C_FIXED_SLOTS: i32 = 6;

// ---- Method objects (FMT_METHOD), class Method or Primitive ---------------
// Block methods are method objects with signature nil, held as literals.
export const M_SIGNATURE: i32 = 0;   // Symbol (nil for block methods)
export const M_HOLDER: i32 = 1;      // defining class or metaclass (for blocks: the enclosing method's holder)
export const M_BYTECODE: i32 = 2;    // FMT_BYTES or nil (primitives)
export const M_LITERALS: i32 = 3;    // Array or nil
export const M_HEADER: i32 = 4;      // SmallInteger, see MH_*
export const M_PRIMITIVE: i32 = 5;   // SmallInteger primitive number (0 = none)
export const M_DEBUG: i32 = 6;       // FMT_BYTES line table or nil (see docs/ARCHITECTURE.md)
export const M_SLOTS: i32 = 7;

// Method header bits (value of the SmallInteger in M_HEADER).
export const MH_NARGS_SHIFT: i32 = 0;     // 8 bits: arguments (block: parameters)
export const MH_NCOPIED_SHIFT: i32 = 8;   // 8 bits: copied values (blocks only)
export const MH_NTEMPS_SHIFT: i32 = 16;   // 8 bits: temporaries
export const MH_FLAG_BLOCK: i32 = 1 << 24;     // a block method
export const MH_FLAG_NONLOCAL: i32 = 1 << 25;  // contains a nonlocal return (or a block that does)
export const MH_MAXSTACK_SHIFT: i32 = 26; // unused in header; max stack lives in debug info

// ---- Block closures (FMT_CLOSURE), class Block1/Block2/Block3 -------------
export const BC_METHOD: i32 = 0;     // block method
export const BC_RECEIVER: i32 = 1;   // self of the home method
export const BC_HOME: i32 = 2;       // SmallInteger: home frame address (32-bit memory; 16-bit memory: serial bits 0-14)
export const BC_HOME_SERIAL: i32 = 3; // SmallInteger: serial number of that activation (16-bit memory: serial bits 15-29)
export const BC_FIXED_SLOTS: i32 = 4; // then the copied values

// ---- Special objects array ------------------------------------------------
// The image's contract with the VM (an Array; the VM state record points at
// it).  Processes and object spaces may later carry their own.
export const SO_NIL: i32 = 0;
export const SO_TRUE: i32 = 1;
export const SO_FALSE: i32 = 2;
export const SO_SYSTEM: i32 = 3;
export const SO_SYMBOL_TABLE: i32 = 4;     // Array, open hash set of Symbols
export const SO_GLOBALS: i32 = 5;          // Array, open hash table of bindings (2-element Arrays: key, value)
export const SO_SPECIAL_SELECTORS: i32 = 6; // Array of Symbols, isa.ts SPECIAL_SELECTORS order
export const SO_CLASS_OBJECT: i32 = 7;
export const SO_CLASS_CLASS: i32 = 8;
export const SO_CLASS_METACLASS: i32 = 9;
export const SO_CLASS_NIL: i32 = 10;
export const SO_CLASS_INTEGER: i32 = 11;
export const SO_CLASS_DOUBLE: i32 = 12;
export const SO_CLASS_STRING: i32 = 13;
export const SO_CLASS_SYMBOL: i32 = 14;
export const SO_CLASS_ARRAY: i32 = 15;
export const SO_CLASS_METHOD: i32 = 16;
export const SO_CLASS_PRIMITIVE: i32 = 17;
export const SO_CLASS_BLOCK: i32 = 18;
export const SO_CLASS_BLOCK1: i32 = 19;
export const SO_CLASS_BLOCK2: i32 = 20;
export const SO_CLASS_BLOCK3: i32 = 21;
export const SO_CLASS_BOOLEAN: i32 = 22;
export const SO_CLASS_TRUE: i32 = 23;
export const SO_CLASS_FALSE: i32 = 24;
export const SO_CLASS_SYSTEM: i32 = 25;
export const SO_SEL_DNU: i32 = 26;          // #doesNotUnderstand:arguments:
export const SO_SEL_UNKNOWN_GLOBAL: i32 = 27; // #unknownGlobal:
export const SO_SEL_ESCAPED_BLOCK: i32 = 28;  // #escapedBlock:
export const SO_SEL_INITIALIZE: i32 = 29;     // #initialize:
export const SO_LIBRARY: i32 = 30;   // Array, hash table of linked-but-unbound classes (images built ahead of time)
export const SO_ENTRY: i32 = 31;     // Symbol: main class name of a built image, or nil
export const SO_SRC_NIL: i32 = 32;   // current binding of global #nil  (what source-level `nil` pushes)
export const SO_SRC_TRUE: i32 = 33;  // current binding of global #true
export const SO_SRC_FALSE: i32 = 34; // current binding of global #false
export const SO_COUNT: i32 = 35;

// Core classes created by genesis (before any class file is linked), in
// bootstrap order; the linker fills a shell when it links a class of that name.
export const GENESIS_CLASS_NAMES: string[] = [
  "Object", "Class", "Metaclass", "Nil", "Integer", "Double", "String", "Symbol",
  "Array", "Method", "Primitive", "Block", "Block1", "Block2", "Block3",
  "Boolean", "True", "False", "System",
];
// Special-object index of each genesis class, same order.
export const GENESIS_CLASS_SO: i32[] = [
  7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
];

// ---- Image file header (little-endian) ------------------------------------
//
//  0  "TALC" magic            16 u32 heap bytes used (payload length)
//  4  u16 version             20 u32 special objects array (heap-relative)
//  6  u8  word bits (32|16)   24 u32 heap bytes the image wants at least
//  7  u8  flags               28 u32 CRC-32 of the payload
//  8  u32 header bytes (32)
// 12  u32 object count
//
// Payload: the heap from its first object, addresses relative to heap start.
export const IMAGE_MAGIC: i32 = 0x434c4154;  // "TALC" read as u32 little-endian
export const IMAGE_VERSION: i32 = 1;
export const IMAGE_HEADER_BYTES: i32 = 32;
export const IH_MAGIC: i32 = 0;
export const IH_VERSION: i32 = 4;
export const IH_WORD_BITS: i32 = 6;
export const IH_FLAGS: i32 = 7;
export const IH_HEADER_BYTES: i32 = 8;
export const IH_OBJECT_COUNT: i32 = 12;
export const IH_HEAP_USED: i32 = 16;
export const IH_SPECIAL_OBJECTS: i32 = 20;
export const IH_HEAP_WANTED: i32 = 24;
export const IH_CRC32: i32 = 28;

// Flags byte (IH_FLAGS), bits 0-3: the send-dispatch technique the image was
// built for (talc build --dispatch NAME; docs/DISPATCH.md).  The 32-bit VM
// dispatches through its method cache whatever is recorded; the dispatch lab
// (talc sim) reads it.  Bits 4-7 spare (0).
export const IMAGE_DISPATCH_MASK: i32 = 0x0f;
export const IMAGE_DISPATCH_NONE: i32 = 0;            // not recorded (the VM's own lookup + cache)
export const IMAGE_DISPATCH_COPY_DOWN: i32 = 1;       // copy-down table, masked jump
export const IMAGE_DISPATCH_CLASS_PAGE: i32 = 2;      // copy-down table via class-page map
export const IMAGE_DISPATCH_ROW_DISPLACEMENT: i32 = 3; // selector table, row displacement
export const IMAGE_DISPATCH_COLORING: i32 = 4;        // selector coloring
export const IMAGE_DISPATCH_LOOKUP: i32 = 5;          // method dictionaries + global cache
export const IMAGE_DISPATCH_IC: i32 = 6;              // inline caches
export const IMAGE_DISPATCH_PIC: i32 = 7;             // polymorphic inline caches

// ---- Class file ("TCF"): compiler output, linker input --------------------
// See docs/ARCHITECTURE.md, "Class files".
export const CF_MAGIC: i32 = 0x31464354;  // "TCF1"
export const CF_VERSION: i32 = 1;
export const LIT_INT: i32 = 1;      // i32 value (fits 31 bits? the VM decides)
export const LIT_BIGINT: i32 = 2;   // sign u8, u32 count, u32 limbs
export const LIT_DOUBLE: i32 = 3;   // f64
export const LIT_STRING: i32 = 4;   // utf8
export const LIT_SYMBOL: i32 = 5;   // utf8
export const LIT_ARRAY: i32 = 6;    // u16 count, literals
export const LIT_BLOCK: i32 = 7;    // a nested method record (block method)
