// The 16-bit object memory (vm-as/mem16.ts): object table, class pages,
// compaction through the table, and clean exhaustion of heap and numbers.
import { describe, it, expect } from "vitest";
import { World, small } from "./lab.js";
import { FMT_ARRAY, FMT_FIXED, FMT_STRING } from "../../vm-as/layout.js";
import { BITS16_MAX_OBJECTS, BITS16_PAGE_SIZE } from "../../vm-as/layout16.js";

describe("16-bit object memory", () => {
  it("finds the class from the pointer: every object of a page is of the page's class", () => {
    const w = new World(64 * 1024, 16);
    const a = w.defineClass(w.object);
    const b = w.defineClass(w.object);
    const objs: [number, number][] = [];
    for (let i = 0; i < 100; i++) {
      const cls = i % 3 === 0 ? a : b;
      objs.push([w.instance(cls, 2), cls]);
    }
    for (const [o, cls] of objs) {
      expect(w.x.lab_classOf(o)).toBe(cls);
      expect(w.x.lab_pageClass(o >> 6)).toBe(cls);
      expect(o & 1).toBe(0);
      expect(o >> 6).toBeGreaterThan(0);          // page 0 is never handed out
    }
  });

  it("u16 slots hold oops and 15-bit SmallIntegers", () => {
    const w = new World(64 * 1024, 16);
    const arr = w.x.lab_alloc(w.array, FMT_ARRAY, 4, w.nil);
    w.x.lab_setSlot(arr, 0, small(-16384));
    w.x.lab_setSlot(arr, 1, small(16383));
    w.x.lab_setSlot(arr, 2, w.object);
    expect(w.x.lab_size(arr)).toBe(4);
    expect(w.x.lab_fmt(arr)).toBe(FMT_ARRAY);
    const sv = (o: number): number => ((o << 16) >> 17);
    expect(sv(w.x.lab_slot(arr, 0))).toBe(-16384);
    expect(sv(w.x.lab_slot(arr, 1))).toBe(16383);
    expect(w.x.lab_slot(arr, 2)).toBe(w.object);
    expect(w.x.lab_slot(arr, 3)).toBe(w.nil);
  });

  it("collects garbage by compacting: live objects keep their numbers, contents and hashes", () => {
    const w = new World(64 * 1024, 16);
    const a = w.defineClass(w.object);
    const keep: number[] = [];
    const hashes: number[] = [];
    let prev = w.nil;
    for (let i = 0; i < 600; i++) {
      const o = w.instance(a, 3);
      if (i % 7 === 0) {
        w.x.lab_setSlot(o, 0, prev);
        w.x.lab_setSlot(o, 1, small(i));
        prev = o;
        keep.push(o);
        hashes.push(w.x.lab_hash(o));
      }
      const s = w.x.lab_alloc(w.object, FMT_STRING, 11, w.nil);     // garbage
      expect(s).not.toBe(0);
    }
    w.x.lab_setRoot(10, prev);
    const before = w.x.lab_heapUsed();
    const addrBefore = w.x.lab_addr(keep[keep.length - 1]);
    w.x.lab_collect();
    expect(w.x.lab_heapUsed()).toBeLessThan(before / 3);
    expect(w.x.lab_addr(keep[keep.length - 1])).toBeLessThan(addrBefore);   // moved down
    // walk the chain: same numbers, same contents, same hashes
    let o = w.x.lab_root(10);
    for (let k = keep.length - 1; k >= 0; k--) {
      expect(o).toBe(keep[k]);
      expect(w.x.lab_slot(o, 1)).toBe(small(k * 7));
      expect(w.x.lab_hash(o)).toBe(hashes[k]);
      expect(w.x.lab_classOf(o)).toBe(a);
      o = w.x.lab_slot(o, 0);
    }
    expect(o).toBe(w.nil);
    // freed numbers are reused, pages with no live object are given back
    expect(w.x.lab_pagesInUse()).toBeLessThan(40);
  });

  it("collects by itself when the heap is full, and runs out of heap with an error, not a trap", () => {
    const w = new World(32 * 1024, 16);
    for (let i = 0; i < 5000; i++) expect(w.x.lab_alloc(w.object, FMT_STRING, 30, w.nil)).not.toBe(0);
    expect(w.x.lab_gcCount()).toBeGreaterThan(0);
    // keep everything alive: a linked list rooted in root 10
    const a = w.defineClass(w.object);
    let prev = w.nil;
    let n = 0;
    for (;;) {
      const o = w.x.lab_alloc(a, FMT_FIXED, 8, w.nil);
      if (o === 0) break;
      w.x.lab_setSlot(o, 0, prev);
      prev = o;
      w.x.lab_setRoot(10, prev);
      n++;
    }
    expect(w.x.lab_error()).toBe(1);      // M16_OUT_OF_HEAP
    expect(n).toBeGreaterThan(1000);
    expect(n).toBeLessThan(32 * 1024 / 20);
  });

  it("running out of object numbers is an error answer, not a crash", () => {
    const w = new World(1 << 20, 16);
    const a = w.defineClass(w.object);
    let prev = w.nil;
    let n = 0;
    for (;;) {
      const o = w.x.lab_alloc(a, FMT_FIXED, 1, w.nil);
      if (o === 0) break;
      w.x.lab_setSlot(o, 0, prev);
      prev = o;
      w.x.lab_setRoot(10, prev);
      n++;
    }
    expect(w.x.lab_error()).toBe(2);      // M16_OUT_OF_NUMBERS
    const used = w.x.lab_objectCount();
    // every number of every page but page 0 and the few pages of other classes' bootstrap objects
    expect(used).toBeGreaterThan(BITS16_MAX_OBJECTS - 32 * BITS16_PAGE_SIZE);
    expect(n).toBeGreaterThan(BITS16_MAX_OBJECTS - 40 * BITS16_PAGE_SIZE);
    // after dropping the list everything is collectable again
    w.x.lab_setRoot(10, w.nil);
    w.x.lab_clearError();
    expect(w.x.lab_alloc(a, FMT_FIXED, 1, w.nil)).not.toBe(0);
    expect(w.x.lab_objectCount()).toBeLessThan(200);
  });
});
