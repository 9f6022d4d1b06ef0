// Loading a 16-bit image (written by host-tools/image/image16.ts write16)
// into the 16-bit object memory (mem16.ts).
//
//  header (32 bytes, layout.ts IH_*) | payload:
//    u16 pages P | u16 selectors | u16 symbols | u16 SymbolTable oop
//    page table  P x u16 class oop
//    object table 32*P x u32 heap offset (0xffffffff = free number)
//    heap        objects in number order
//
// Every field is checked before it is used: a refused image answers a
// negative I16E_* code and leaves the memory empty; no input traps.
import {
  IMAGE_MAGIC, IMAGE_HEADER_BYTES, IH_MAGIC, IH_WORD_BITS, IH_HEAP_USED, IH_SPECIAL_OBJECTS, IH_CRC32,
  isPointerFormat,
} from "./layout";
import { BITS16_PAGES, BITS16_PAGE_SIZE, BITS16_HEADER_BYTES, BITS16_FORMAT_MASK } from "./layout16";
import { m16, m16Set, M16_TABLE, M16_PAGES, M16_FREE, M16_HEAP, M16_HEAP_END, M16_ALLOC, m16_totalBytes } from "./mem16";
import { crc32 } from "./image";

export const I16E_HEADER: i32 = -1;      // too short, bad magic or not a 16-bit image
export const I16E_CRC: i32 = -2;         // payload CRC-32 mismatch
export const I16E_TABLES: i32 = -3;      // page/object table sizes impossible
export const I16E_HEAP: i32 = -4;        // the heap does not fit the memory given
export const I16E_OBJECT: i32 = -5;      // an object header runs past the heap
export const I16E_POINTER: i32 = -6;     // a slot names a free or impossible number
export const I16E_CLASS: i32 = -7;       // a page's class is not an object

/** Selector count and SymbolTable oop of the last loaded image. */
export let image16Selectors: i32 = 0;
export let image16SymbolTable: u32 = 0;
export let image16Symbols: i32 = 0;

/** Load the image at `p` (`len` bytes); answers the special objects oop or an I16E_* code. */
export function image16_load(p: usize, len: i32): i32 {
  if (len < IMAGE_HEADER_BYTES + 8 || load<u32>(p + IH_MAGIC) != (IMAGE_MAGIC as u32) || load<u8>(p + IH_WORD_BITS) != 16) return I16E_HEADER;
  const used = load<u32>(p + IH_HEAP_USED);
  if (used != ((len - IMAGE_HEADER_BYTES) as u32)) return I16E_HEADER;
  const pay = p + IMAGE_HEADER_BYTES;
  if (crc32(pay, used as i32) != load<u32>(p + IH_CRC32)) return I16E_CRC;
  const P = load<u16>(pay) as i32;
  if (P < 1 || P > BITS16_PAGES) return I16E_TABLES;
  const pageTab = pay + 8;
  const objTab = pageTab + 2 * P;
  const heap = objTab + 4 * P * BITS16_PAGE_SIZE;
  if (heap > pay + used) return I16E_TABLES;
  const heapBytes = (pay + used - heap) as u32;
  const base = m16(M16_HEAP);
  if (heapBytes > m16(M16_HEAP_END) - base) return I16E_HEAP;
  const table = m16(M16_TABLE);
  const nums = P * BITS16_PAGE_SIZE;
  // objects: headers inside the heap
  for (let n = 0; n < nums; n++) {
    const off = load<u32>(objTab + (n << 2));
    if (off == 0xffffffff) continue;
    if (n < BITS16_PAGE_SIZE || heapBytes < (BITS16_HEADER_BYTES as u32) || off > heapBytes - BITS16_HEADER_BYTES) return I16E_OBJECT;
    const fmt = (load<u16>(heap + off, 2) as i32) & BITS16_FORMAT_MASK;
    if (fmt > 10 || off + m16_totalBytes(fmt, load<u16>(heap + off) as u32) > heapBytes) return I16E_OBJECT;
  }
  // install
  memory.copy(base, heap, heapBytes);
  memory.fill(table, 0, 4 * 32768);
  memory.fill(m16(M16_PAGES), 0, 2 * BITS16_PAGES);
  memory.fill(m16(M16_FREE), 0, BITS16_PAGES);
  for (let n = 0; n < nums; n++) {
    const off = load<u32>(objTab + (n << 2));
    if (off != 0xffffffff) store<u32>(table + (n << 2), base + off);
  }
  for (let pg = 0; pg < P; pg++) store<u16>(m16(M16_PAGES) + (pg << 1), load<u16>(pageTab + (pg << 1)));
  m16Set(M16_ALLOC, base + heapBytes);
  // pointers: SmallIntegers or numbers in use; page classes are objects
  let bad = false;
  for (let n = BITS16_PAGE_SIZE; n < nums && !bad; n++) {
    const a = load<u32>(table + (n << 2));
    if (a == 0) continue;
    const fmt = (load<u16>(a, 2) as i32) & BITS16_FORMAT_MASK;
    if (!isPointerFormat(fmt)) continue;
    const size = load<u16>(a) as u32;
    for (let i: u32 = 0; i < size; i++) {
      const v = load<u16>(a + BITS16_HEADER_BYTES + (i << 1)) as u32;
      if ((v & 1) != 0) continue;
      if ((v >> 1) >= (nums as u32) || load<u32>(table + ((v >> 1) << 2)) == 0) { bad = true; break; }
    }
  }
  for (let pg = 0; pg < P && !bad; pg++) {
    const c = load<u16>(pageTab + (pg << 1)) as u32;
    if (c == 0) continue;
    if ((c & 1) != 0 || (c >> 1) >= (nums as u32) || load<u32>(table + ((c >> 1) << 2)) == 0) {
      memory.fill(table, 0, 4 * 32768);
      return I16E_CLASS;
    }
    let nfree = 0;
    for (let k = 0; k < BITS16_PAGE_SIZE; k++) if (load<u32>(table + (((pg << 5) + k) << 2)) == 0) nfree++;
    store<u8>(m16(M16_FREE) + pg, nfree as u8);
  }
  const specials = load<u32>(p + IH_SPECIAL_OBJECTS);
  if (bad || (specials & 1) != 0 || (specials >> 1) >= (nums as u32) || load<u32>(table + ((specials >> 1) << 2)) == 0) {
    memory.fill(table, 0, 4 * 32768);
    m16Set(M16_ALLOC, base);
    return I16E_POINTER;
  }
  image16Selectors = load<u16>(pay + 2) as i32;
  image16SymbolTable = load<u16>(pay + 6) as u32;
  image16Symbols = load<u16>(pay + 4) as i32;
  return specials as i32;
}
