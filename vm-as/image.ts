// Images: vm_snapshot and vm_loadImage (header: layout.ts IH_*).
//
//   header (32 bytes) | payload = the heap from its first object, with every
//   pointer (class words and pointer slots) made heap-relative.
//
// The snapshot is taken after a full collection, so the payload is compact.
// Loading validates the header (magic, version, word size, sizes, CRC-32),
// then walks every object twice: first to check each header (format, size
// within the payload) and mark object starts in a bitmap (kept in the other
// semispace), then to check that every class word and pointer slot points at
// an object start (class words at a class) while relocating it by the heap
// base.  Any failure refuses the image with the offset and the reason.
import {
  IMAGE_MAGIC, IMAGE_VERSION, IMAGE_HEADER_BYTES, IH_MAGIC, IH_VERSION, IH_WORD_BITS, IH_FLAGS, IH_HEADER_BYTES,
  IH_OBJECT_COUNT, IH_HEAP_USED, IH_SPECIAL_OBJECTS, IH_HEAP_WANTED, IH_CRC32, HEADER_BYTES, FORMAT_MASK,
  FMT_ARRAY, FMT_CLASS, FMT_CLOSURE, isPointerFormat, SO_COUNT, SO_SYMBOL_TABLE, SO_GLOBALS, SO_LIBRARY,
  GENESIS_CLASS_SO, BC_HOME_SERIAL,
} from "./layout";
import {
  st, stSet, so, S_HEAP_START, S_ALLOC, S_OTHER, S_SEMI_BYTES, S_SPECIALS, S_FP, S_SP, S_STACK_BASE, S_FINISHED,
  S_EXIT_STATUS, S_ARGS, S_ROOT_BASE, S_ROOT_SP, S_SERIAL,
} from "./vm";
import { gc_collect } from "./gc";
import { vm_scratchGrow } from "./scratch";
import { send_flushCache } from "./send";
import { msg_reset, msg_lit, msg_int } from "./errors";
import { isSmall, smallVal } from "./memory";

/** CRC-32 (IEEE, reflected, as zlib). */
export function crc32(p: usize, len: i32): u32 {
  let c: u32 = 0xffffffff;
  for (let i = 0; i < len; i++) {
    c ^= load<u8>(p + i);
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & (0 - (c & 1)));
  }
  return ~c;
}

@inline function bodyBytes(fmt: i32, size: u32): u32 {
  return isPointerFormat(fmt) ? size << 2 : size;
}

/** Snapshot into scratch; answers the image length (or -1).  Resets the
 *  frame stack first: only what the special objects reach is written. */
export function image_snapshot(): i32 {
  stSet(S_FP, 0);
  stSet(S_SP, st(S_STACK_BASE));
  stSet(S_ROOT_SP, st(S_ROOT_BASE));
  stSet(S_ARGS, 0);
  return image_write();
}

/** Collect (roots as they are: a running program keeps its frames), then
 *  write header + heap into scratch; answers the image length (or -1).
 *  Usable while running (`Talc snapshot`): frames are not saved, so objects
 *  only the frames reach are written but unreachable at the next boot, which
 *  starts again from SO_ENTRY.  Frame words are oops or SmallIntegers and a
 *  closure's home is a SmallInteger, so every pointer slot written is an
 *  object of the heap. */
export function image_write(): i32 {
  gc_collect();
  const base = st(S_HEAP_START);
  const used = st(S_ALLOC) - base;
  const out = vm_scratchGrow((IMAGE_HEADER_BYTES as u32) + used);
  if (out == 0) return -1;
  const pay = out + IMAGE_HEADER_BYTES;
  memory.copy(pay, base, used);
  let count: u32 = 0;
  let p: u32 = 0;
  while (p < used) {
    const o = pay + p;
    store<u32>(o, load<u32>(o) - base);
    const fmt = (load<u32>(o, 4) & FORMAT_MASK) as i32;
    const size = load<u32>(o, 8);
    if (isPointerFormat(fmt)) {
      for (let i: u32 = 0; i < size; i++) {
        const a = o + HEADER_BYTES + (i << 2);
        const v = load<u32>(a);
        if ((v & 1) == 0) store<u32>(a, v - base);
      }
    }
    p += HEADER_BYTES + ((bodyBytes(fmt, size) + 3) & ~3);
    count++;
  }
  store<u32>(out + IH_MAGIC, IMAGE_MAGIC);
  store<u16>(out + IH_VERSION, IMAGE_VERSION as u16);
  store<u8>(out + IH_WORD_BITS, 32);
  store<u8>(out + IH_FLAGS, 0);
  store<u32>(out + IH_HEADER_BYTES, IMAGE_HEADER_BYTES);
  store<u32>(out + IH_OBJECT_COUNT, count);
  store<u32>(out + IH_HEAP_USED, used);
  store<u32>(out + IH_SPECIAL_OBJECTS, st(S_SPECIALS) - base);
  store<u32>(out + IH_HEAP_WANTED, used * 2);
  store<u32>(out + IH_CRC32, crc32(pay, used as i32));
  return (IMAGE_HEADER_BYTES as u32 + used) as i32;
}


function refuse(off: i64, why: string): i32 {
  msg_reset();
  msg_lit("image refused at offset ");
  msg_int(off);
  msg_lit(": ");
  msg_lit(why);
  return -1;
}
function refuseNum(off: i64, why: string, a: i64, b: i64): i32 {
  msg_reset();
  msg_lit("image refused at offset ");
  msg_int(off);
  msg_lit(": ");
  msg_lit(why);
  msg_lit(" (");
  msg_int(a);
  msg_lit(" vs ");
  msg_int(b);
  msg_lit(")");
  return -1;
}

/** Load the image at [p, p+len).  0 = ok, -1 = refused (vm_errorText says why). */
export function image_load(p: usize, len: i32): i32 {
  if (len < IMAGE_HEADER_BYTES) return refuseNum(0, "truncated header", len, IMAGE_HEADER_BYTES);
  if (load<u32>(p + IH_MAGIC) != (IMAGE_MAGIC as u32)) return refuse(IH_MAGIC, "not a Talc image (bad magic)");
  const ver = load<u16>(p + IH_VERSION) as i32;
  if (ver != IMAGE_VERSION) return refuseNum(IH_VERSION, "unsupported image version; rebuild the image with this Talc", ver, IMAGE_VERSION);
  const bits = load<u8>(p + IH_WORD_BITS) as i32;
  if (bits != 32) return refuseNum(IH_WORD_BITS, "word size not supported by this VM", bits, 32);
  if (load<u32>(p + IH_HEADER_BYTES) != (IMAGE_HEADER_BYTES as u32)) return refuse(IH_HEADER_BYTES, "bad header size");
  const used = load<u32>(p + IH_HEAP_USED);
  if ((used as i64) != (len as i64) - IMAGE_HEADER_BYTES) {
    return refuseNum(IH_HEAP_USED, "payload length does not match the header", (len as i64) - IMAGE_HEADER_BYTES, used);
  }
  if ((used & 3) != 0 || used < (HEADER_BYTES as u32)) return refuse(IH_HEAP_USED, "bad payload size");
  const semi = st(S_SEMI_BYTES);
  if (used > semi) return refuseNum(IH_HEAP_USED, "image needs a larger heap (heap half in bytes)", used, semi);
  const pay = p + IMAGE_HEADER_BYTES;
  const crc = crc32(pay, used as i32);
  if (crc != load<u32>(p + IH_CRC32)) return refuse(IH_CRC32, "CRC-32 mismatch (corrupt image)");
  const spec = load<u32>(p + IH_SPECIAL_OBJECTS);
  const count = load<u32>(p + IH_OBJECT_COUNT);
  // pass 1: headers, object-start bitmap (in the other semispace)
  const map = st(S_OTHER) as usize;
  memory.fill(map, 0, ((used >> 5) + 4) as usize);
  let off: u32 = 0;
  let n: u32 = 0;
  while (off < used) {
    if (used - off < (HEADER_BYTES as u32)) return refuse(IMAGE_HEADER_BYTES + off, "truncated object header");
    const o = pay + off;
    const fmt = (load<u32>(o, 4) & FORMAT_MASK) as i32;
    if (fmt > FMT_CLASS) return refuse(IMAGE_HEADER_BYTES + off, "bad object format");
    const size = load<u32>(o, 8);
    if (size > used) return refuse(IMAGE_HEADER_BYTES + off, "object size beyond the payload");
    const total = (HEADER_BYTES as u32) + ((bodyBytes(fmt, size) + 3) & ~3);
    if (total > used - off) return refuse(IMAGE_HEADER_BYTES + off, "object runs past the payload");
    const w = off >> 2;
    store<u8>(map + (w >> 3), ((load<u8>(map + (w >> 3)) as u32) | ((1 as u32) << (w & 7))) as u8);
    off += total;
    n++;
  }
  if (n != count) return refuseNum(IH_OBJECT_COUNT, "object count does not match the header", n, count);
  // pass 2: pointers.  Also finds the highest activation serial any saved
  // closure names as its home, so that new activations start above it and a
  // closure from before the snapshot can never take a new frame for its home.
  const base = st(S_HEAP_START);
  let maxSerial: i32 = 0;
  off = 0;
  while (off < used) {
    const o = pay + off;
    const cw = load<u32>(o);
    if (!isStart(map, cw, used)) return refuse(IMAGE_HEADER_BYTES + off, "class pointer does not point at an object");
    if (((load<u32>(pay + cw, 4) & FORMAT_MASK) as i32) != FMT_CLASS) return refuse(IMAGE_HEADER_BYTES + off, "class pointer does not point at a class");
    store<u32>(o, cw + base);
    const fmt = (load<u32>(o, 4) & FORMAT_MASK) as i32;
    const size = load<u32>(o, 8);
    if (fmt == FMT_CLOSURE && size > (BC_HOME_SERIAL as u32)) {
      const hs = load<u32>(o + HEADER_BYTES + (BC_HOME_SERIAL << 2));
      if ((hs & 1) != 0 && ((hs as i32) >> 1) > maxSerial) maxSerial = (hs as i32) >> 1;
    }
    if (isPointerFormat(fmt)) {
      for (let i: u32 = 0; i < size; i++) {
        const a = o + HEADER_BYTES + (i << 2);
        const v = load<u32>(a);
        if ((v & 1) == 0) {
          if (!isStart(map, v, used)) return refuse(IMAGE_HEADER_BYTES + off + HEADER_BYTES + (i << 2), "pointer does not point at an object");
          store<u32>(a, v + base);
        }
      }
    }
    off += (HEADER_BYTES as u32) + ((bodyBytes(fmt, size) + 3) & ~3);
  }
  if (!isStart(map, spec, used)) return refuse(IH_SPECIAL_OBJECTS, "special objects pointer does not point at an object");
  const so0 = pay + spec;
  if (((load<u32>(so0, 4) & FORMAT_MASK) as i32) != FMT_ARRAY || load<u32>(so0, 8) < (SO_COUNT as u32)) {
    return refuse(IH_SPECIAL_OBJECTS, "special objects array malformed");
  }
  // structural checks of what the VM relies on
  const tabs: StaticArray<i32> = TABLES;
  for (let k = 0; k < 3; k++) {
    const t = load<u32>(so0 + HEADER_BYTES + (unchecked(tabs[k]) << 2));
    if ((t & 1) != 0) return refuse(IH_SPECIAL_OBJECTS, "symbol/global table is not an object");
    const to = pay + (t - base);
    const sz = load<u32>(to, 8);
    if (((load<u32>(to, 4) & FORMAT_MASK) as i32) != FMT_ARRAY || sz < 3 || ((sz - 1) & (sz - 2)) != 0 || !isSmall(load<u32>(to, HEADER_BYTES))) {
      return refuse(IH_SPECIAL_OBJECTS, "symbol/global table malformed");
    }
  }
  const ng = GENESIS_CLASS_SO.length;
  for (let k = 0; k < ng; k++) {
    const c = load<u32>(so0 + HEADER_BYTES + (unchecked(GENESIS_CLASS_SO[k]) << 2));
    if ((c & 1) != 0 || ((load<u32>(pay + (c - base), 4) & FORMAT_MASK) as i32) != FMT_CLASS) {
      return refuse(IH_SPECIAL_OBJECTS, "core class missing");
    }
  }
  // accept: move the payload into the heap
  memory.copy(base, pay, used);
  stSet(S_SPECIALS, base + spec);
  stSet(S_ALLOC, base + used);
  stSet(S_FP, 0);
  stSet(S_SP, st(S_STACK_BASE));
  stSet(S_ROOT_SP, st(S_ROOT_BASE));
  stSet(S_ARGS, 0);
  stSet(S_FINISHED, 0);
  stSet(S_EXIT_STATUS, 0);
  if ((st(S_SERIAL) as i32) <= maxSerial) stSet(S_SERIAL, ((maxSerial + 1) & 0x3fffffff) as u32);
  send_flushCache();
  return 0;
}

const TABLES: StaticArray<i32> = [SO_SYMBOL_TABLE, SO_GLOBALS, SO_LIBRARY];

@inline function isStart(map: usize, v: u32, used: u32): bool {
  if ((v & 3) != 0 || v >= used) return false;
  const w = v >> 2;
  return (load<u8>(map + (w >> 3)) & (1 << (w & 7))) != 0;
}


