// Test entry for the 16-bit object memory and copy-down dispatch
// (vm-as/mem16.ts, vm-as/codeobj.ts), compiled on its own by
// test/bits16/asconfig.json.  Exports only; no state of its own besides what
// mem16/codeobj keep in their record.
import { strideShiftFor } from "./layout16";
import {
  m16_init, m16_bytesNeeded, m16_alloc, m16_slot, m16_setSlot, m16_setPageClass, m16_pageClass,
  m16_classOf, m16_collect, m16_addr, m16_size, m16_fmt, m16_hash, m16_body, m16_pagesInUse, m16_objectCount,
  m16, m16Set, M16_ROOTS, M16_NROOTS, M16_ERROR, M16_GC_COUNT, M16_ALLOC, M16_HEAP,
} from "./mem16";
import { c16_init, c16_bytesNeeded, c16_install, c16_send, c16_entryAddr, c16_codeObject, M16_CODE, M16_SHIFT, M16_LAST_ENTRY } from "./codeobj";

/** Memory: record+tables+heap at __heap_base, root area (4096 u16), then the code space.  0 = ok. */
export function lab_init(heapBytes: u32, selectors: i32): i32 {
  const shift = strideShiftFor(selectors);
  const base = (__heap_base + 15) & ~15;
  const roots = base + m16_bytesNeeded(heapBytes);
  const code = (roots + 8192 + 15) & ~15;
  const end = code + c16_bytesNeeded(shift);
  const have = (memory.size() as usize) << 16;
  if (end > have && memory.grow((((end - have) + 0xffff) >> 16) as i32) < 0) return -1;
  m16_init(base, heapBytes);
  m16Set(M16_ROOTS, roots as u32);
  m16Set(M16_NROOTS, 0);
  m16Set(M16_CODE, code as u32);
  m16Set(M16_SHIFT, shift as u32);
  return 0;
}
export function lab_setRoot(i: i32, oop: u32): void {
  store<u16>(m16(M16_ROOTS) + (i << 1), oop as u16);
  if ((i as u32) >= m16(M16_NROOTS)) m16Set(M16_NROOTS, (i + 1) as u32);
}
export function lab_root(i: i32): u32 { return load<u16>(m16(M16_ROOTS) + (i << 1)) as u32; }
export function lab_setNRoots(n: i32): void { m16Set(M16_NROOTS, n as u32); }
export function lab_codeInit(selectors: i32, nil: u32, integerClass: u32): void {
  c16_init(m16(M16_CODE), m16(M16_SHIFT) as i32, selectors, nil, integerClass);
}
export function lab_alloc(cls: u32, fmt: i32, size: u32, fill: u32): u32 { return m16_alloc(cls, fmt, size, fill); }
export function lab_slot(o: u32, i: i32): u32 { return m16_slot(o, i); }
export function lab_setSlot(o: u32, i: i32, v: u32): void { m16_setSlot(o, i, v); }
export function lab_setPageClass(page: i32, cls: u32): void { m16_setPageClass(page, cls); }
export function lab_pageClass(page: i32): u32 { return m16_pageClass(page); }
export function lab_classOf(o: u32): u32 { return m16_classOf(o); }
export function lab_collect(): void { m16_collect(); }
export function lab_addr(o: u32): u32 { return m16_addr(o); }
export function lab_size(o: u32): u32 { return m16_size(o); }
export function lab_fmt(o: u32): i32 { return m16_fmt(o); }
export function lab_hash(o: u32): u32 { return m16_hash(o); }
export function lab_body(o: u32): u32 { return m16_body(o); }
export function lab_error(): i32 { return m16(M16_ERROR) as i32; }
export function lab_clearError(): void { m16Set(M16_ERROR, 0); }
export function lab_gcCount(): i32 { return m16(M16_GC_COUNT) as i32; }
export function lab_heapUsed(): u32 { return m16(M16_ALLOC) - m16(M16_HEAP); }
export function lab_pagesInUse(): i32 { return m16_pagesInUse(); }
export function lab_objectCount(): i32 { return m16_objectCount(); }
export function lab_install(cls: u32, m: u32): i32 { return c16_install(cls, m); }
export function lab_send(oop: u32, sel: u32): i32 { return c16_send(oop, sel); }
export function lab_entryAddr(oop: u32, sel: u32): u32 { return c16_entryAddr(oop, sel); }
export function lab_lastEntry(): u32 { return m16(M16_LAST_ENTRY); }
export function lab_codeBase(): u32 { return m16(M16_CODE); }
export function lab_shift(): i32 { return m16(M16_SHIFT) as i32; }
export function lab_codeObject(page: i32): u32 { return c16_codeObject(page); }
import { c16_superSend, c16_lookupFrom } from "./codeobj";
export function lab_superSend(holder: u32, sel: u32): i32 { return c16_superSend(holder, sel); }
export function lab_lookupFrom(cls: u32, selOop: u32): u32 { return c16_lookupFrom(cls, selOop); }
import { image16_load, image16Selectors } from "./image16";
import { c16_bytesNeeded as codeBytes } from "./codeobj";

/** Address of a buffer of `len` bytes after the code space (grows memory). */
export function lab_scratch(len: u32): u32 {
  const at = (m16(M16_CODE) + codeBytes(m16(M16_SHIFT) as i32) + 15) & ~15;
  const end = (at as usize) + len;
  const have = (memory.size() as usize) << 16;
  if (end > have && memory.grow((((end - have) + 0xffff) >> 16) as i32) < 0) return 0;
  return at;
}
/** Load a 16-bit image from the scratch buffer; the special objects oop or a negative code. */
export function lab_loadImage(p: u32, len: i32): i32 { return image16_load(p, len); }
export function lab_imageSelectors(): i32 { return image16Selectors; }
import { sym16_init, sym16_text, sym16_intern, sym16_lookup } from "./sym16";
import { M16_SYMTAB } from "./mem16";
export function lab_symInit(table: u32, count: i32, stringClass: u32, arrayClass: u32): void { sym16_init(table, count, stringClass, arrayClass); }
export function lab_symText(n: i32): u32 { return sym16_text(n); }
export function lab_symIntern(str: u32): i32 { return sym16_intern(str); }
export function lab_symLookup(p: u32, len: i32): i32 { return sym16_lookup(p, len); }
export function lab_symTable(): u32 { return m16(M16_SYMTAB); }
