// 16-bit memory planner: lays out a (32-bit) image in the 16-bit object
// memory of vm-as/layout16.ts and checks the 16-bit limits.
//
//   32-bit image model (inspect.ts readImage)
//        │  number symbols: implemented selectors 0..S-1, other symbols S..N-1
//        │  number objects: class pages of 32, page 0 reserved (SmallInteger code)
//        │  size objects:   4-byte headers, u16 slots, boxed ints outside 15 bits
//        ▼
//   Plan16: symbol table, page table, per-object sizes, copy-down code objects,
//           byte counts (heap, tables, code objects), fill rate, limit errors
//
// The planner never guesses: every number it reports is computed from the
// objects of the image.  Limit violations are collected as messages that say
// what to shrink (`talc build --bits 16` prints them and writes nothing).
import {
  FMT_SYMBOL, FMT_CLASS, FMT_METHOD, isPointerFormat,
  C_SUPERCLASS, C_METHODS, C_INSTSPEC, M_SIGNATURE, M_HEADER, M_PRIMITIVE, M_BYTECODE,
  MH_NARGS_SHIFT, MH_NCOPIED_SHIFT, MH_NTEMPS_SHIFT, MH_FLAG_BLOCK, MH_FLAG_NONLOCAL,
  SO_SYMBOL_TABLE, SO_SPECIAL_SELECTORS, SO_SEL_DNU, SO_SEL_UNKNOWN_GLOBAL, SO_SEL_ESCAPED_BLOCK,
  SO_SEL_INITIALIZE, SO_NIL, SO_CLASS_INTEGER, SO_CLASS_STRING, SO_ENTRY, SO_GLOBALS, SO_LIBRARY,
} from "../../vm-as/layout.js";
import {
  BITS16_SMALL_MIN, BITS16_SMALL_MAX, BITS16_MAX_OBJECTS, BITS16_PAGE_SIZE, BITS16_PAGES,
  BITS16_MAX_SYMBOLS, BITS16_HEADER_BYTES, BITS16_MAX_BODY, MH16_NCOPIED_SHIFT, MH16_NTEMPS_SHIFT,
  MH16_FLAG_BLOCK, MH16_FLAG_NONLOCAL, IS16_FIELDS_MASK, IS16_FORMAT_SHIFT,
  ENTRY_BYTES, E_EMPTY, E_JUMP, E_QUICK, E_PRIM, strideShiftFor,
} from "../../vm-as/layout16.js";
import { type ImageModel, type ImageObject, slot, objectAt, specialObject, textOf, classNameOf, crc32, ImageFormatError } from "./inspect.js";

/** One code-object entry (layout16.ts E_*). */
export interface Entry16 {
  kind: number;
  /** 32-bit oop of the method (0 for E_EMPTY). */
  method: number;
  /** Primitive number (E_PRIM) or negated quick code (E_QUICK). */
  arg: number;
}

export interface Plan16 {
  /** Symbol number → text; 0..selectorCount-1 are the implemented selectors. */
  symbols: string[];
  selectorCount: number;
  /** 32-bit symbol oop → symbol number. */
  symbolNumber: Map<number, number>;
  /** 32-bit class oop → pages (page numbers) its instances occupy. */
  pagesOf: Map<number, number[]>;
  /** Page → 32-bit class oop (page 0: SmallInteger = Integer). */
  pageClass: number[];
  objectNumbers: number;
  boxedIntegers: number;
  classes: number;
  heapBytes: number;
  objectTableBytes: number;
  pageTableBytes: number;
  strideShift: number;
  codeObjectBytes: number;
  /** Non-empty entries / all entries over the code objects in use. */
  fillRate: number;
  /** Limit violations, each saying what to shrink; empty = the image fits. */
  errors: string[];
  /**
   * Number of the symbol `SymbolTable`: the global of that name is bound to
   * the SymbolTable (docs/16-BIT.md).  The writer adds the symbol (a String
   * of the table) when the 32-bit image has none, and the binding.
   */
  symbolTableName: number;
}

/** The global bound to the SymbolTable in every 16-bit image. */
export const SYMBOL_TABLE_GLOBAL = "SymbolTable";

export function fitsSmall16(v: number): boolean {
  return v >= BITS16_SMALL_MIN && v <= BITS16_SMALL_MAX;
}

/** 16-bit method header from a 32-bit one, or null when it needs a boxed integer. */
export function methodHeader16(h32: number): number | null {
  const nargs = (h32 >> MH_NARGS_SHIFT) & 0xff;
  const ncopied = (h32 >> MH_NCOPIED_SHIFT) & 0xff;
  const ntemps = (h32 >> MH_NTEMPS_SHIFT) & 0xff;
  if (nargs > 15 || ncopied > 15 || ntemps > 31) return null;
  return nargs | (ncopied << MH16_NCOPIED_SHIFT) | (ntemps << MH16_NTEMPS_SHIFT) |
    ((h32 & MH_FLAG_BLOCK) !== 0 ? MH16_FLAG_BLOCK : 0) | ((h32 & MH_FLAG_NONLOCAL) !== 0 ? MH16_FLAG_NONLOCAL : 0);
}

/** 16-bit instspec from a 32-bit one (fields | format << 16), or null when it does not fit. */
export function instSpec16(s32: number): number | null {
  const nf = s32 & 0xffff;
  const fmt = (s32 >> 16) & 0x1f;
  if (nf > IS16_FIELDS_MASK) return null;
  return nf | (fmt << IS16_FORMAT_SHIFT);
}

const small = (oop: number): boolean => (oop & 1) === 1;
const smallValue = (oop: number): number => oop >> 1;

/** Copy-down table of class `cls`: selector number → entry, walking the superclass chain once per selector. */
export function codeObjectOf(m: ImageModel, plan: Pick<Plan16, "symbolNumber" | "selectorCount">, cls: number): Entry16[] {
  const entries: Entry16[] = [];
  for (let i = 0; i < plan.selectorCount; i++) entries.push({ kind: E_EMPTY, method: 0, arg: 0 });
  const nil = specialObject(m, SO_NIL);
  // Superclasses first, subclasses overwrite: an override wins, everything else is copied down.
  const chain: ImageObject[] = [];
  for (let c = objectAt(m, cls); c !== null && c.format === FMT_CLASS; c = objectAt(m, slot(m, c, C_SUPERCLASS))) {
    chain.unshift(c);
    if (slot(m, c, C_SUPERCLASS) === nil) break;
  }
  for (const c of chain) {
    const ms = objectAt(m, slot(m, c, C_METHODS));
    if (ms === null) continue;
    for (let i = 0; i < ms.size; i++) {
      const meth = objectAt(m, slot(m, ms, i));
      if (meth === null || meth.format !== FMT_METHOD) continue;
      const sel = plan.symbolNumber.get(slot(m, meth, M_SIGNATURE));
      if (sel === undefined || sel >= plan.selectorCount) continue;
      const prim = smallValue(slot(m, meth, M_PRIMITIVE));
      let e: Entry16;
      if (slot(m, meth, M_BYTECODE) === nil) e = { kind: E_PRIM, method: meth.oop, arg: prim };
      else if (prim < 0) e = { kind: E_QUICK, method: meth.oop, arg: -prim };
      else e = { kind: E_JUMP, method: meth.oop, arg: 0 };
      entries[sel] = e;
    }
  }
  return entries;
}

/** Lay out image `m` in 16-bit memory. */
export function plan16(m: ImageModel): Plan16 {
  const errors: string[] = [];
  const nil = specialObject(m, SO_NIL);

  // ---- symbols: implemented selectors first --------------------------------
  const selectorOops: number[] = [];
  const isSelector = new Set<number>();
  const addSelector = (oop: number): void => {
    const o = objectAt(m, oop);
    if (o === null || o.format !== FMT_SYMBOL || isSelector.has(oop)) return;
    isSelector.add(oop);
    selectorOops.push(oop);
  };
  for (const o of m.objects) if (o.format === FMT_METHOD) addSelector(slot(m, o, M_SIGNATURE));
  const specials = objectAt(m, specialObject(m, SO_SPECIAL_SELECTORS));
  if (specials !== null) for (let i = 0; i < specials.size; i++) addSelector(slot(m, specials, i));
  for (const so of [SO_SEL_DNU, SO_SEL_UNKNOWN_GLOBAL, SO_SEL_ESCAPED_BLOCK, SO_SEL_INITIALIZE]) addSelector(specialObject(m, so));
  const symbolNumber = new Map<number, number>();
  const symbols: string[] = [];
  for (const oop of selectorOops) { symbolNumber.set(oop, symbols.length); symbols.push(textOf(m, oop) ?? ""); }
  const selectorCount = symbols.length;
  for (const o of m.objects) {
    if (o.format === FMT_SYMBOL && !symbolNumber.has(o.oop)) { symbolNumber.set(o.oop, symbols.length); symbols.push(textOf(m, o.oop) ?? ""); }
  }
  // the global SymbolTable's name (its text is added below when new)
  let symbolTableName = symbols.indexOf(SYMBOL_TABLE_GLOBAL);
  const addedSymbolTableName = symbolTableName < 0;
  if (addedSymbolTableName) { symbolTableName = symbols.length; symbols.push(SYMBOL_TABLE_GLOBAL); }
  if (symbols.length > BITS16_MAX_SYMBOLS) {
    errors.push(`the program uses ${symbols.length} symbols (${selectorCount} selectors) but a 16-bit image has room for ` +
      `${BITS16_MAX_SYMBOLS} (SmallIntegers 0..${BITS16_MAX_SYMBOLS - 1}): use fewer distinct selectors, symbol literals and class names`);
  }

  // ---- objects: sizes and classes -----------------------------------------
  const symTableOop = specialObject(m, SO_SYMBOL_TABLE);
  const stringClass = specialObject(m, SO_CLASS_STRING);
  const integerClass = specialObject(m, SO_CLASS_INTEGER);
  const countOf = new Map<number, number>();
  const bump = (cls: number, n = 1): void => { countOf.set(cls, (countOf.get(cls) ?? 0) + n); };
  let heapBytes = 0;
  let boxed = 0;
  let classes = 0;
  // every object: 4-byte header + body, padded to 4 (mem16.ts m16_totalBytes)
  const obj = (bodyBytes: number): number => (BITS16_HEADER_BYTES + bodyBytes + 3) & ~3;
  const tooBig: string[] = [];
  for (const o of m.objects) {
    if (o.oop === symTableOop) continue;         // replaced by the SymbolTable below
    if (o.format === FMT_SYMBOL) {               // its text becomes a String of the SymbolTable
      bump(stringClass);
      heapBytes += obj(o.size);
      continue;
    }
    if (o.format === FMT_CLASS) classes++;
    bump(o.classOop);
    if (o.size > BITS16_MAX_BODY) tooBig.push(`${classNameOf(m, o.classOop) ?? "?"} of ${o.size}`);
    if (!isPointerFormat(o.format)) { heapBytes += obj(o.size); continue; }
    heapBytes += obj(2 * o.size);
    for (let i = 0; i < o.size; i++) {
      const v = slot(m, o, i);
      if (!small(v)) continue;
      const x = smallValue(v);
      let fits: boolean;
      if (o.format === FMT_METHOD && i === M_HEADER) fits = methodHeader16(x) !== null;
      else if (o.format === FMT_CLASS && i === C_INSTSPEC) fits = instSpec16(x) !== null;
      else fits = fitsSmall16(x);
      if (!fits) { boxed++; bump(integerClass); heapBytes += obj(4); }   // one u32 limb: 32-bit SmallIntegers have 31 bits
    }
  }
  // the text of an added SymbolTable name, and the global's binding (a 2-slot Array)
  if (addedSymbolTableName) { bump(stringClass); heapBytes += obj(SYMBOL_TABLE_GLOBAL.length); }
  // SymbolTable: an Array of N Strings, plus its intern index (u16 per bucket, power of two >= 2N).
  const arrayClass = objectAt(m, symTableOop)?.classOop ?? 0;
  bump(arrayClass, 3);
  heapBytes += obj(4);
  let buckets = 1;
  while (buckets < 2 * symbols.length) buckets <<= 1;
  heapBytes += obj(2 * symbols.length) + obj(2 * buckets);
  if (tooBig.length > 0) errors.push(`objects larger than ${BITS16_MAX_BODY} slots/bytes cannot be stored in 16-bit memory: ${tooBig.join(", ")}`);

  // ---- pages ---------------------------------------------------------------
  const pageClass: number[] = [integerClass];   // page 0: SmallInteger's code object, no objects
  const pagesOf = new Map<number, number[]>();
  let objectNumbers = 0;
  const order = [...countOf.entries()].sort((a, b) => b[1] - a[1]);
  for (const [cls, n] of order) {
    objectNumbers += n;
    const ps: number[] = [];
    for (let k = 0; k < Math.ceil(n / BITS16_PAGE_SIZE); k++) { ps.push(pageClass.length); pageClass.push(cls); }
    pagesOf.set(cls, ps);
  }
  if (pageClass.length > BITS16_PAGES) {
    const top = order.slice(0, 4).map(([c, n]) => `${classNameOf(m, c) ?? "?"} ${n}`).join(", ");
    errors.push(`the program needs ${pageClass.length - 1} pages of ${BITS16_PAGE_SIZE} object numbers ` +
      `(${objectNumbers} objects of ${countOf.size} classes; every class with instances takes whole pages, every class object a page of its own) ` +
      `but a 16-bit image has ${BITS16_PAGES - 1} (${BITS16_MAX_OBJECTS} object pointers): use fewer classes or fewer objects ` +
      `(most numerous: ${top})`);
  }

  // ---- code objects ----------------------------------------------------------
  const strideShift = strideShiftFor(Math.max(1, selectorCount));
  const stride = 1 << strideShift;
  const codeObjectBytes = pageClass.length * stride;
  let filled = 0;
  const byClass = new Map<number, number>();
  for (const cls of pageClass) {
    let f = byClass.get(cls);
    if (f === undefined) {
      f = codeObjectOf(m, { symbolNumber, selectorCount }, cls).filter((e) => e.kind !== E_EMPTY).length;
      byClass.set(cls, f);
    }
    filled += f;
  }
  const fillRate = selectorCount === 0 ? 0 : filled / (pageClass.length * selectorCount);
  void nil;
  return {
    symbols, selectorCount, symbolNumber, pagesOf, pageClass, objectNumbers, boxedIntegers: boxed, classes,
    heapBytes,
    objectTableBytes: 4 * pageClass.length * BITS16_PAGE_SIZE,
    pageTableBytes: 2 * pageClass.length,
    strideShift, codeObjectBytes, fillRate, errors, symbolTableName,
  };
}

/** The lines `talc inspect --bits 16` / `talc build --bits 16 -v` print. */
export function formatPlan16(p: Plan16): string {
  const pct = (x: number): string => (100 * x).toFixed(1) + "%";
  const lines = [
    `16-bit memory:`,
    `  classes: ${p.classes} (class and metaclass objects)`,
    `  selectors: ${p.selectorCount}, symbols: ${p.symbols.length} of ${BITS16_MAX_SYMBOLS} (headroom ${BITS16_MAX_SYMBOLS - p.symbols.length})`,
    `  objects: ${p.objectNumbers} in ${p.pageClass.length - 1} pages of ${BITS16_PAGE_SIZE}; ` +
      `object numbers used ${p.pageClass.length * BITS16_PAGE_SIZE} of ${BITS16_MAX_OBJECTS} (headroom ${BITS16_MAX_OBJECTS - p.pageClass.length * BITS16_PAGE_SIZE}, ${BITS16_PAGES - p.pageClass.length} free pages)`,
    `  boxed integers (outside 15 bits): ${p.boxedIntegers}`,
    `  heap bytes: ${p.heapBytes} objects + ${p.objectTableBytes} object table + ${p.pageTableBytes} page table = ${p.heapBytes + p.objectTableBytes + p.pageTableBytes}`,
    `  code-object bytes: ${p.codeObjectBytes} (${p.pageClass.length} code objects of ${1 << p.strideShift} bytes, ${ENTRY_BYTES}-byte entries), fill rate ${pct(p.fillRate)}`,
  ];
  for (const e of p.errors) lines.push(`  LIMIT: ${e}`);
  return lines.join("\n") + "\n";
}

export { E_EMPTY, E_JUMP, E_QUICK, E_PRIM };

// ---- 16-bit image file -------------------------------------------------------
//
//  header (32 bytes, layout.ts IH_*; word bits 16, special objects = 16-bit oop)
//  payload:
//    +0  u16 pages P (page table entries, page 0 included)
//    +2  u16 selector count S     +4 u16 symbol count N     +6 u16 SymbolTable oop
//    +8  page table:   P x u16 class oop (0 = free page)
//        object table: 32*P x u32 heap offset of the object's header, 0xffffffff = free number
//        heap:         objects (4-byte header, u16 slots / bytes padded to 2), in number order
export const I16_PAGES = 0;
export const I16_SELECTORS = 2;
export const I16_SYMBOLS = 4;
export const I16_SYMBOL_TABLE = 6;
export const I16_TABLES = 8;
export const I16_FREE = 0xffffffff;

export interface Image16 {
  bytes: Uint8Array;
  plan: Plan16;
  /** 32-bit oop → 16-bit oop (objects and symbols). */
  oopMap: Map<number, number>;
  /** Bytes of the heap section (objects only). */
  heapBytes: number;
}

/** Write the 16-bit image of `m` (call only when plan16(m).errors is empty). */
export function write16(m: ImageModel, plan: Plan16 = plan16(m)): Image16 {
  if (plan.errors.length > 0) throw new Error(plan.errors.join("\n"));
  const symTableOop = specialObject(m, SO_SYMBOL_TABLE);
  const stringClass = specialObject(m, SO_CLASS_STRING);
  const integerClass = specialObject(m, SO_CLASS_INTEGER);
  // Number every object: by class, pages in plan order, objects in image order.
  const nextIn = new Map<number, { pages: number[]; k: number }>();
  for (const [cls, ps] of plan.pagesOf) nextIn.set(cls, { pages: ps, k: 0 });
  const take = (cls: number): number => {
    const s = nextIn.get(cls);
    if (s === undefined) throw new Error(`planner missed class ${cls}`);
    const n = s.pages[s.k >> 5] * BITS16_PAGE_SIZE + (s.k & 31);
    s.k++;
    return n << 1;
  };
  const oopMap = new Map<number, number>();
  type Out = { oop: number; fmt: number; flags: number; size: number; body: Uint8Array | number[] };
  const outs: Out[] = [];
  const symbolStrings: number[] = new Array<number>(plan.symbols.length);
  for (const o of m.objects) {
    if (o.oop === symTableOop) continue;
    if (o.format === FMT_SYMBOL) {
      const n = plan.symbolNumber.get(o.oop)!;
      oopMap.set(o.oop, (n << 1) | 1);
      symbolStrings[n] = take(stringClass);
      continue;
    }
    oopMap.set(o.oop, take(o.classOop));
  }
  const symbolTable16 = take(objectAt(m, symTableOop)!.classOop);
  // the global SymbolTable: its name's String when the 32-bit image has no such symbol, its binding
  const enc0 = new TextEncoder();
  const addedNames: Out[] = [];
  for (let n = 0; n < plan.symbols.length; n++) {
    if (symbolStrings[n] !== undefined) continue;
    const text = enc0.encode(plan.symbols[n]);
    symbolStrings[n] = take(stringClass);
    addedNames.push({ oop: symbolStrings[n], fmt: 2 /* FMT_STRING */, flags: 0x20 /* ASCII */, size: text.length, body: text });
  }
  const binding16 = take(objectAt(m, symTableOop)!.classOop);
  const symbolTableKey = ((plan.symbolTableName << 1) | 1) & 0xffff;
  const map = (v: number): number => {
    const r = oopMap.get(v);
    if (r === undefined) throw new Error(`dangling oop ${v}`);
    return r;
  };
  const enc = new TextEncoder();
  // Symbol dictionaries (vm-as/globals.ts: slot 0 count, then open addressing
  // on the key's identity hash): in 16-bit memory a Symbol's hash is its
  // number, so every binding moves to the slot probing from that number.
  const nil16 = map(specialObject(m, SO_NIL));
  const dictionaries = new Set<number>([specialObject(m, SO_GLOBALS), specialObject(m, SO_LIBRARY)]);
  const rehashDictionary = (o: ImageObject, slots: number[]): void => {
    const cap = o.size - 1;
    const mask = cap - 1;
    const out = [slots[0], ...new Array<number>(cap).fill(nil16)];
    const keys: number[] = [];
    for (let i = 1; i <= cap; i++) {
      const b32 = slot(m, o, i);
      const b = objectAt(m, b32);
      if (b === null || b.size < 2) continue;
      const key = map(slot(m, b, 0));
      keys.push(key);
      let k = (key >> 1) & mask;
      while (out[1 + k] !== nil16) k = (k + 1) & mask;
      out[1 + k] = slots[i];
    }
    if (o.oop === specialObject(m, SO_GLOBALS)) {
      // bind SymbolTable unless the program binds that name itself
      if (!keys.includes(symbolTableKey)) {
        let k = (symbolTableKey >> 1) & mask;
        for (let j = 0; j < cap && out[1 + k] !== nil16; j++) k = (k + 1) & mask;
        if (out[1 + k] !== nil16) throw new Error("the globals dictionary has no free slot for SymbolTable");
        out[1 + k] = binding16;
        out[0] = ((((out[0] & 0xffff) >> 1) + 1) << 1 | 1) & 0xffff;
      }
    }
    for (let i = 0; i < out.length; i++) slots[i] = out[i];
  };
  for (const o of m.objects) {
    if (o.oop === symTableOop) continue;
    if (o.format === FMT_SYMBOL) {
      const n = plan.symbolNumber.get(o.oop)!;
      const bytes = m.payload.subarray(o.oop + 12, o.oop + 12 + o.size);
      outs.push({ oop: symbolStrings[n], fmt: 2 /* FMT_STRING */, flags: o.flags, size: o.size, body: bytes });
      continue;
    }
    if (!isPointerFormat(o.format)) {
      outs.push({ oop: oopMap.get(o.oop)!, fmt: o.format, flags: o.flags, size: o.size, body: m.payload.subarray(o.oop + 12, o.oop + 12 + o.size) });
      continue;
    }
    const slots: number[] = [];
    for (let i = 0; i < o.size; i++) {
      const v = slot(m, o, i);
      if (!small(v)) { slots.push(v === symTableOop ? symbolTable16 : map(v)); continue; }
      const x = smallValue(v);
      let packed: number | null = x;
      if (o.format === FMT_METHOD && i === M_HEADER) packed = methodHeader16(x);
      else if (o.format === FMT_CLASS && i === C_INSTSPEC) packed = instSpec16(x);
      else if (!fitsSmall16(x)) packed = null;
      if (packed !== null) { slots.push(((packed << 1) | 1) & 0xffff); continue; }
      // boxed: a large Integer of one u32 limb (formats 4/5: BIGPOS/BIGNEG)
      const b = take(integerClass);
      const limb = new Uint8Array(4);
      new DataView(limb.buffer).setUint32(0, Math.abs(x), true);
      outs.push({ oop: b, fmt: x < 0 ? 5 : 4, flags: 0, size: 4, body: limb });
      slots.push(b);
    }
    if (dictionaries.has(o.oop)) rehashDictionary(o, slots);
    outs.push({ oop: oopMap.get(o.oop)!, fmt: o.format, flags: 0, size: o.size, body: slots });
  }
  outs.push(...addedNames);
  outs.push({ oop: binding16, fmt: 1 /* FMT_ARRAY */, flags: 0, size: 2, body: [symbolTableKey, symbolTable16] });
  // The SymbolTable: symbol number → String.
  outs.push({ oop: symbolTable16, fmt: 1 /* FMT_ARRAY */, flags: 0, size: plan.symbols.length, body: symbolStrings });
  void enc;
  outs.sort((a, b) => a.oop - b.oop);
  // Lay out.
  const P = plan.pageClass.length;
  const tablesBytes = 2 * P + 4 * P * BITS16_PAGE_SIZE;
  let heapBytes = 0;
  const sizeOf = (o: Out): number => (BITS16_HEADER_BYTES + (Array.isArray(o.body) ? 2 * o.body.length : o.size) + 3) & ~3;
  for (const o of outs) heapBytes += sizeOf(o);
  const payloadBytes = I16_TABLES + tablesBytes + heapBytes;
  const bytes = new Uint8Array(32 + payloadBytes);
  const dv = new DataView(bytes.buffer);
  const pay = 32;
  dv.setUint16(pay + I16_PAGES, P, true);
  dv.setUint16(pay + I16_SELECTORS, plan.selectorCount, true);
  dv.setUint16(pay + I16_SYMBOLS, plan.symbols.length, true);
  dv.setUint16(pay + I16_SYMBOL_TABLE, symbolTable16, true);
  const pageTab = pay + I16_TABLES;
  const objTab = pageTab + 2 * P;
  const heap = objTab + 4 * P * BITS16_PAGE_SIZE;
  for (let p = 0; p < P; p++) dv.setUint16(pageTab + 2 * p, p === 0 ? map(integerClass) : map(plan.pageClass[p]), true);
  for (let n = 0; n < P * BITS16_PAGE_SIZE; n++) dv.setUint32(objTab + 4 * n, I16_FREE, true);
  let at = 0;
  for (const o of outs) {
    dv.setUint32(objTab + 4 * (o.oop >> 1), at, true);
    dv.setUint16(heap + at, o.size, true);
    dv.setUint16(heap + at + 2, (o.fmt & 0x1f) | (o.flags & 0x20), true);
    if (Array.isArray(o.body)) o.body.forEach((v, i) => dv.setUint16(heap + at + 4 + 2 * i, v, true));
    else bytes.set(o.body, heap + at + 4);
    at += sizeOf(o);
  }
  // Header.
  dv.setUint32(0, 0x434c4154, true);
  dv.setUint16(4, 1, true);
  bytes[6] = 16;
  bytes[7] = 0;
  dv.setUint32(8, 32, true);
  dv.setUint32(12, outs.length, true);
  dv.setUint32(16, payloadBytes, true);
  dv.setUint32(20, map(m.header.specialObjects), true);
  dv.setUint32(24, heapBytes, true);
  dv.setUint32(28, crc32(bytes.subarray(32)), true);
  return { bytes, plan, oopMap, heapBytes };
}

// ---- reading a 16-bit image (talc inspect) -------------------------------------

export interface Summary16 {
  fileBytes: number;
  classes: number;
  selectors: number;
  symbols: number;
  objects: number;
  pages: number;
  heapBytes: number;
  objectTableBytes: number;
  pageTableBytes: number;
  strideShift: number;
  codeObjectBytes: number;
  fillRate: number;
  entry: string | null;
}

/** Is this a 16-bit image (header word bits 16)?  Never throws. */
export function isImage16(bytes: Uint8Array): boolean {
  return bytes.length >= 32 && bytes[6] === 16 && new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) === 0x434c4154;
}

/** Check and summarise a 16-bit image; ImageFormatError with the file offset on any inconsistency. */
export function read16(bytes: Uint8Array): Summary16 {
  const fail = (off: number, why: string): never => { throw new ImageFormatError(off, `16-bit image: ${why}`); };
  if (!isImage16(bytes)) fail(0, "not a 16-bit Talc image");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const payload = dv.getUint32(16, true);
  if (payload + 32 !== bytes.length) fail(16, `the header announces ${payload} payload bytes but the file holds ${bytes.length - 32}`);
  if (crc32(bytes.subarray(32)) !== dv.getUint32(28, true)) fail(28, "CRC-32 mismatch: the payload is corrupt");
  if (payload < I16_TABLES) fail(32, "payload too short for the 16-bit table header");
  const P = dv.getUint16(32 + I16_PAGES, true);
  const S = dv.getUint16(32 + I16_SELECTORS, true);
  const N = dv.getUint16(32 + I16_SYMBOLS, true);
  const symTable = dv.getUint16(32 + I16_SYMBOL_TABLE, true);
  if (P < 1 || P > BITS16_PAGES) fail(32 + I16_PAGES, `${P} pages: must be 1..${BITS16_PAGES}`);
  const pageTab = 32 + I16_TABLES;
  const objTab = pageTab + 2 * P;
  const heap = objTab + 4 * P * BITS16_PAGE_SIZE;
  if (heap > bytes.length) fail(32 + I16_PAGES, `${P} pages of tables do not fit the file`);
  const heapBytes = bytes.length - heap;
  const addr = (oop: number): number => {
    if ((oop & 1) !== 0 || (oop >> 1) >= P * BITS16_PAGE_SIZE) return -1;
    const off = dv.getUint32(objTab + 4 * (oop >> 1), true);
    if (off === I16_FREE) return -1;
    if (off + BITS16_HEADER_BYTES > heapBytes) fail(objTab + 4 * (oop >> 1), `object ${oop}: offset ${off} is outside the heap`);
    return heap + off;
  };
  const slot16 = (oop: number, i: number): number => {
    const a = addr(oop);
    if (a < 0 || i >= dv.getUint16(a, true)) return 0;
    return dv.getUint16(a + BITS16_HEADER_BYTES + 2 * i, true);
  };
  const fmt16 = (oop: number): number => { const a = addr(oop); return a < 0 ? -1 : dv.getUint16(a + 2, true) & 0x1f; };
  let objects = 0, classes = 0;
  for (let n = 0; n < P * BITS16_PAGE_SIZE; n++) {
    if (dv.getUint32(objTab + 4 * n, true) === I16_FREE) continue;
    objects++;
    if (fmt16(n << 1) === FMT_CLASS) classes++;
  }
  const specials = dv.getUint32(20, true);
  if (fmt16(specials) !== 1) fail(20, `special objects ${specials} is not an Array`);
  const nil = slot16(specials, SO_NIL);
  const textOf16 = (oop: number): string | null => {
    const a = addr(oop);
    if (a < 0) return null;
    return new TextDecoder().decode(bytes.subarray(a + BITS16_HEADER_BYTES, a + BITS16_HEADER_BYTES + dv.getUint16(a, true)));
  };
  const entrySym = slot16(specials, SO_ENTRY);
  const entry = (entrySym & 1) === 1 ? textOf16(slot16(symTable, entrySym >> 1)) : null;
  // fill rate: selectors each page's class understands (copy-down over the superclass chain)
  const understood = new Map<number, number>();
  const countFor = (cls: number): number => {
    const known = understood.get(cls);
    if (known !== undefined) return known;
    const sels = new Set<number>();
    for (let c = cls, guard = 0; c !== nil && c !== 0 && guard < 1000; c = slot16(c, C_SUPERCLASS), guard++) {
      const ms = slot16(c, C_METHODS);
      if (ms === nil || ms === 0) continue;
      const a = addr(ms);
      const n = a < 0 ? 0 : dv.getUint16(a, true);
      for (let i = 0; i < n; i++) {
        const sig = slot16(slot16(ms, i), M_SIGNATURE);
        if ((sig & 1) === 1 && (sig >> 1) < S) sels.add(sig >> 1);
      }
    }
    understood.set(cls, sels.size);
    return sels.size;
  };
  let filled = 0;
  for (let p = 0; p < P; p++) {
    const c = dv.getUint16(pageTab + 2 * p, true);
    if (c !== 0) filled += countFor(c);
  }
  const strideShift = strideShiftFor(Math.max(1, S));
  return {
    fileBytes: bytes.length, classes, selectors: S, symbols: N, objects, pages: P - 1, heapBytes,
    objectTableBytes: 4 * P * BITS16_PAGE_SIZE, pageTableBytes: 2 * P, strideShift,
    codeObjectBytes: P << strideShift, fillRate: S === 0 ? 0 : filled / (P * S), entry,
  };
}

/** What `talc inspect` prints for a 16-bit image. */
export function formatSummary16(s: Summary16, name: string): string {
  const numbers = (s.pages + 1) * BITS16_PAGE_SIZE;
  return [
    `image ${name}: ${s.fileBytes} bytes, 16-bit memory (docs/16-BIT.md)`,
    `  entry class: ${s.entry ?? "(none)"}`,
    `  classes: ${s.classes} (class and metaclass objects)`,
    `  selectors: ${s.selectors}; symbols: ${s.symbols} of ${BITS16_MAX_SYMBOLS} (headroom ${BITS16_MAX_SYMBOLS - s.symbols})`,
    `  objects: ${s.objects} in ${s.pages} pages of ${BITS16_PAGE_SIZE}; object numbers ${numbers} of ${BITS16_MAX_OBJECTS} ` +
      `(headroom ${BITS16_MAX_OBJECTS - numbers} numbers, ${BITS16_PAGES - 1 - s.pages} free pages)`,
    `  heap bytes: ${s.heapBytes} objects + ${s.objectTableBytes} object table + ${s.pageTableBytes} page table = ${s.heapBytes + s.objectTableBytes + s.pageTableBytes}`,
    `  code-object bytes (built at load, not in the file): ${s.codeObjectBytes} = ${s.pages + 1} code objects x ${1 << s.strideShift} bytes (${ENTRY_BYTES}-byte entries)`,
    `  fill rate: ${(100 * s.fillRate).toFixed(1)}% of entries hold a method`,
  ].join("\n") + "\n";
}
