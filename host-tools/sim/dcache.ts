// An optional direct-mapped cache in front of the dispatch structures
// (model.ts memCacheBytes / memCacheLineBytes / memMiss).
//
// Each technique places its structures in a synthetic address space, one
// 16 MiB region per kind of structure (REGION_*), and reports every access
// its dispatch sequence makes to them: table entries and slots, page maps,
// class-object fields, method-dictionary slots, global-cache entries, PIC
// stubs.  Copy-down entries and PIC stubs are code: the cache is unified.
// Not modelled: the receiver's header (classOf's load, the same in every
// technique that makes it), method bodies and the stack.
import type { CycleModel, Events } from "./model.js";

export const REGION_CLASSES = 0;      // class objects, CLASS_BYTES apart (fields at small offsets)
export const REGION_ROWS = 1;         // copy-down / class-page rows (code)
export const REGION_PAGE_MAP = 2;     // class-page map
export const REGION_RD = 3;           // row-displacement array
export const REGION_COLOR_ROWS = 4;   // coloring rows
export const REGION_GLOBAL_CACHE = 5; // global method cache
export const REGION_DICTS = 6;        // method dictionaries
export const REGION_STUBS = 7;        // PIC stubs (code)
export const CLASS_BYTES = 64;
const REGION_SHIFT = 24;

export function addr(region: number, offset: number): number {
  return region * (1 << REGION_SHIFT) + offset;
}

export class MemCache {
  private readonly tags: Float64Array | null;
  private readonly line: number;

  constructor(model: CycleModel) {
    this.line = model.memCacheLineBytes;
    this.tags = model.memCacheBytes > 0 ? new Float64Array(model.memCacheBytes / model.memCacheLineBytes).fill(-1) : null;
  }

  /** One access at `a`: counts a miss in `ev` when its line is not in the cache, then holds it. */
  touch(a: number, ev: Events): void {
    const t = this.tags;
    if (t === null) return;
    const block = Math.floor(a / this.line);
    const i = block % t.length;
    if (t[i] !== block) {
      t[i] = block;
      ev.memMisses++;
    }
  }
}
