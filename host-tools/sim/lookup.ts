// Technique 5, the Smalltalk-80 baseline: hashed method dictionaries walked
// up the superclass chain, behind a direct-mapped global method cache of
// (class, selector) → method (docs/DISPATCH.md).  The inline caches
// (inline.ts) use the same structures on a miss.
//
// Method dictionary of a class with n methods: open addressing, linear
// probing, capacity = the smallest power of two >= n + n/3 + 1 (at least one
// empty slot, load <= 3/4), slot = (hash(sel) + i) & (capacity - 1).
// Global cache index = fib(class, selector) & (entries - 1), one entry per index.
import type { Events } from "./model.js";
import { MemCache, addr, REGION_CLASSES, REGION_DICTS, REGION_GLOBAL_CACHE, CLASS_BYTES } from "./dcache.js";
import {
  classOfEvents, indirectCall, newBtb, pow2AtLeast, type BuildContext, type TableStats, type Technique,
} from "./technique.js";

/** Selector hash (a symbol's identity hash in Smalltalk-80). */
function selHash(sel: number): number {
  return Math.imul(sel + 1, 0x9e3779b1) >>> 0;
}

interface Dictionary {
  keys: Int32Array;     // selector ids, -1 empty
  values: Int32Array;   // method ids
}

export class MethodLookup implements Technique {
  readonly name: string = "lookup";
  readonly title: string = "method dictionaries + global cache";
  /** Global-cache misses so far. */
  cacheMisses = 0;
  /** Probes made by all full lookups (dictionary slots read). */
  probes = 0;
  private readonly dicts: Dictionary[];
  /** Byte offset of each dictionary in REGION_DICTS (an 8-byte header, then 2 words a slot). */
  private readonly dictAt: number[];
  protected readonly mem: MemCache;
  private readonly cacheCls: Int32Array;
  private readonly cacheSel: Int32Array;
  private readonly cacheMethod: Int32Array;
  private readonly cacheBits: number;
  protected readonly btb: Int32Array;

  constructor(protected readonly ctx: BuildContext) {
    this.dicts = ctx.u.classes.map((c) => {
      const n = c.own.size;
      const cap = n === 0 ? 0 : pow2AtLeast(n + Math.floor(n / 3) + 1);
      const keys = new Int32Array(cap).fill(-1);
      const values = new Int32Array(cap).fill(-1);
      for (const [s, m] of [...c.own.entries()].sort((a, b) => a[0] - b[0])) {
        let i = selHash(s) & (cap - 1);
        while (keys[i] !== -1) i = (i + 1) & (cap - 1);
        keys[i] = s;
        values[i] = m;
      }
      return { keys, values };
    });
    this.dictAt = [];
    let at = 0;
    for (const d of this.dicts) {
      this.dictAt.push(at);
      at += 8 + d.keys.length * 2 * ctx.model.wordBytes;
    }
    this.mem = new MemCache(ctx.model);
    const n = ctx.model.cacheEntries;
    this.cacheBits = Math.log2(n);
    this.cacheCls = new Int32Array(n).fill(-1);
    this.cacheSel = new Int32Array(n).fill(-1);
    this.cacheMethod = new Int32Array(n).fill(-1);
    this.btb = newBtb(ctx.sites);
  }

  get misses(): number { return this.cacheMisses; }

  private cacheIndex(cls: number, sel: number): number {
    if (this.cacheBits === 0) return 0;
    return Math.imul(((cls << 16) ^ sel) >>> 0, 0x9e3779b1) >>> (32 - this.cacheBits);
  }

  /** Walk the chain through the dictionaries (no cache, no pricing). */
  resolve(cls: number, sel: number): number {
    for (let c = cls; c >= 0; c = this.ctx.u.classes[c].superId) {
      const d = this.dicts[c];
      const cap = d.keys.length;
      if (cap === 0) continue;
      for (let i = selHash(sel) & (cap - 1); d.keys[i] !== -1; i = (i + 1) & (cap - 1)) {
        if (d.keys[i] === sel) return d.values[i];
      }
    }
    return -1;
  }

  /**
   * The full lookup routine, entered by a direct call:
   *   per class:  lw d, DICT(c) ; lw mask, CAP(d) ; and i, h, mask
   *   per probe:  add/lw key ; beq key, sel, found ; beqz key, next ; addi i ; and i, mask ; j probe
   *   next class: lw c, SUPER(c) ; beqz c, dnu ; j class
   *   found:      lw m, VALUE(i) ; ret
   */
  protected fullLookup(cls: number, sel: number, ev: Events): number {
    ev.direct += 2;   // call the routine, return
    ev.loads++;       // the selector's hash
    for (let c = cls; c >= 0; c = this.ctx.u.classes[c].superId) {
      const d = this.dicts[c];
      const cap = d.keys.length;
      const w = this.ctx.model.wordBytes;
      ev.loads += 2;
      ev.alu++;
      this.mem.touch(addr(REGION_CLASSES, c * CLASS_BYTES + 8), ev);   // methods
      this.mem.touch(addr(REGION_DICTS, this.dictAt[c]), ev);            // capacity
      if (cap > 0) {
        for (let i = selHash(sel) & (cap - 1); ; i = (i + 1) & (cap - 1)) {
          this.probes++;
          ev.alu++;
          ev.loads++;
          this.mem.touch(addr(REGION_DICTS, this.dictAt[c] + 8 + i * 2 * w), ev);
          if (d.keys[i] === sel) {
            ev.condTaken++;
            ev.loads++;
            this.mem.touch(addr(REGION_DICTS, this.dictAt[c] + 8 + i * 2 * w + w), ev);
            return d.values[i];
          }
          ev.condNotTaken++;
          if (d.keys[i] === -1) { ev.condTaken++; break; }
          ev.condNotTaken++;
          ev.alu += 2;
          ev.direct++;
        }
      }
      ev.loads++;
      this.mem.touch(addr(REGION_CLASSES, c * CLASS_BYTES), ev);   // superclass
      ev.condNotTaken++;
      ev.direct++;
    }
    ev.condTaken++;   // reached nil: not understood
    return -1;
  }

  /**
   * Global cache probe, then the full lookup on a miss (a miss fills the
   * entry; misses of not-understood sends are not cached, as in the VM):
   *   xor/shift/add (3 ALU) ; lw k, 0(e) ; bne k, cls, miss ; li s, #sel ;
   *   lw k, 4(e) ; bne k, s, miss ; lw m, 8(e)
   * Answers the method; the caller adds the final call.
   */
  cachedLookup(cls: number, sel: number, ev: Events): number {
    const e = this.cacheIndex(cls, sel);
    const w = this.ctx.model.wordBytes;
    ev.alu += 3;
    ev.loads++;
    this.mem.touch(addr(REGION_GLOBAL_CACHE, e * 3 * w), ev);
    if (this.cacheCls[e] === cls) {
      ev.condNotTaken++;
      ev.alu++;
      ev.loads++;
      this.mem.touch(addr(REGION_GLOBAL_CACHE, e * 3 * w + w), ev);
      if (this.cacheSel[e] === sel) {
        ev.condNotTaken++;
        ev.loads++;
        this.mem.touch(addr(REGION_GLOBAL_CACHE, e * 3 * w + 2 * w), ev);
        return this.cacheMethod[e];
      }
    }
    ev.condTaken++;
    this.cacheMisses++;
    const m = this.fullLookup(cls, sel, ev);
    if (m >= 0) {
      ev.stores += 3;
      this.cacheCls[e] = cls;
      this.cacheSel[e] = sel;
      this.cacheMethod[e] = m;
    }
    return m;
  }

  dispatch(cls: number, sel: number, site: number, ev: Events): number {
    classOfEvents(ev, cls === this.ctx.integerClass);
    const m = this.cachedLookup(cls, sel, ev);
    indirectCall(ev, this.btb, site, m, this.ctx.model);
    return m;
  }

  /** Bytes of the dictionaries (key + value per slot) and of the cache (3 words per entry). */
  protected lookupBytes(): { dictBytes: number; cacheBytes: number; slots: number; filled: number } {
    let slots = 0;
    let filled = 0;
    for (const d of this.dicts) {
      slots += d.keys.length;
      for (let i = 0; i < d.keys.length; i++) if (d.keys[i] !== -1) filled++;
    }
    const w = this.ctx.model.wordBytes;
    return { dictBytes: slots * 2 * w, cacheBytes: this.cacheCls.length * 3 * w, slots, filled };
  }

  stats(): TableStats {
    const b = this.lookupBytes();
    return {
      tableBytes: b.dictBytes + b.cacheBytes,
      slots: b.slots,
      filled: b.filled,
      detail: { dictionaryBytes: b.dictBytes, cacheBytes: b.cacheBytes, cacheEntries: this.cacheCls.length, probes: this.probes },
    };
  }
}
