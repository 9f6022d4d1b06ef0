// Technique 6: inline caches (IC) and polymorphic inline caches (PIC), per
// call site, falling back to the global cache and method dictionaries of
// lookup.ts (docs/DISPATCH.md).
//
// IC   the site calls its cached method directly; the method's prologue
//      checks the receiver's class:  li t, #class ; classOf ; bne cls, t, miss
//      A miss looks the method up, rebinds the site (2 stores) and jumps to it.
// PIC  a monomorphic site is an IC; its first miss replaces it by a call to a
//      stub:  classOf ; (li t, #Ci ; beq cls, t, Mi)*  ; j miss
//      A miss adds a case, up to picEntries; a site that needs more goes
//      megamorphic and uses the global cache from then on (Hölzle, Chambers
//      and Ungar's polymorphic inline caches).
// Sends without a call site (made by the VM or a primitive) use the global
// cache.
import type { Events } from "./model.js";
import { MethodLookup } from "./lookup.js";
import { classOfEvents, indirectCall, type BuildContext, type TableStats } from "./technique.js";
import { addr, REGION_STUBS } from "./dcache.js";

export class InlineCache extends MethodLookup {
  override readonly name: string = "ic";
  override readonly title: string = "inline caches";
  siteMisses = 0;
  private readonly icClass: Int32Array;
  private readonly icMethod: Int32Array;

  constructor(ctx: BuildContext) {
    super(ctx);
    this.icClass = new Int32Array(ctx.sites).fill(-1);
    this.icMethod = new Int32Array(ctx.sites).fill(-1);
  }

  override get misses(): number { return this.siteMisses; }

  override dispatch(cls: number, sel: number, site: number, ev: Events): number {
    if (site < 0) return super.dispatch(cls, sel, site, ev);
    ev.direct++;   // the site's call to its cached method
    ev.alu++;
    classOfEvents(ev, cls === this.ctx.integerClass);
    if (this.icClass[site] === cls) {
      ev.condNotTaken++;
      return this.icMethod[site];
    }
    ev.condTaken++;
    this.siteMisses++;
    ev.direct++;   // to the miss handler
    const m = this.cachedLookup(cls, sel, ev);
    if (m >= 0) {
      ev.stores += 2;
      this.icClass[site] = cls;
      this.icMethod[site] = m;
    }
    indirectCall(ev, this.btb, site, m, this.ctx.model);
    return m;
  }

  override stats(): TableStats {
    const b = this.lookupBytes();
    const siteBytes = this.ctx.u.staticSendSites * this.ctx.model.wordBytes;
    let used = 0;
    for (let i = 0; i < this.icClass.length; i++) if (this.icClass[i] >= 0) used++;
    return {
      tableBytes: siteBytes + b.dictBytes + b.cacheBytes,
      slots: this.ctx.u.staticSendSites,
      filled: used,
      detail: {
        staticSites: this.ctx.u.staticSendSites, sitesBound: used, siteBytes,
        dictionaryBytes: b.dictBytes, cacheBytes: b.cacheBytes, globalCacheMisses: this.cacheMisses,
      },
    };
  }
}

export class PolymorphicInlineCache extends MethodLookup {
  override readonly name: string = "pic";
  override readonly title: string = "polymorphic inline caches";
  siteMisses = 0;
  megamorphicSends = 0;
  private readonly cases: { cls: number[]; method: number[] }[];
  private readonly mega: Uint8Array;

  constructor(ctx: BuildContext) {
    super(ctx);
    this.cases = [];
    for (let i = 0; i < ctx.sites; i++) this.cases.push({ cls: [], method: [] });
    this.mega = new Uint8Array(ctx.sites);
  }

  override get misses(): number { return this.siteMisses; }

  override dispatch(cls: number, sel: number, site: number, ev: Events): number {
    if (site < 0) return super.dispatch(cls, sel, site, ev);
    if (this.mega[site] !== 0) {
      this.megamorphicSends++;
      return super.dispatch(cls, sel, site, ev);
    }
    const c = this.cases[site];
    ev.direct++;   // the site's call: to its method while monomorphic, then to its stub
    if (c.cls.length === 1) {
      // monomorphic: an inline cache (the method's prologue checks the class)
      ev.alu++;
      classOfEvents(ev, cls === this.ctx.integerClass);
      if (c.cls[0] === cls) {
        ev.condNotTaken++;
        return c.method[0];
      }
      ev.condTaken++;
    } else if (c.cls.length > 1) {
      classOfEvents(ev, cls === this.ctx.integerClass);
      const stub = site * (this.ctx.model.picEntries + 1) * this.ctx.model.picCaseBytes;
      for (let k = 0; k < c.cls.length; k++) {
        ev.alu++;
        this.mem.touch(addr(REGION_STUBS, stub + (k + 1) * this.ctx.model.picCaseBytes), ev);   // the case's code
        if (c.cls[k] === cls) {
          ev.condTaken++;   // the taken beq is the jump into the method
          return c.method[k];
        }
        ev.condNotTaken++;
      }
    }
    this.siteMisses++;
    ev.direct++;   // to the miss handler
    const m = this.cachedLookup(cls, sel, ev);
    if (m >= 0) {
      if (c.cls.length < this.ctx.model.picEntries) {
        ev.stores += 2;
        c.cls.push(cls);
        c.method.push(m);
      } else {
        ev.stores++;
        this.mega[site] = 1;
      }
    }
    indirectCall(ev, this.btb, site, m, this.ctx.model);
    return m;
  }

  override stats(): TableStats {
    const b = this.lookupBytes();
    const model = this.ctx.model;
    let stubs = 0;
    let caseCount = 0;
    let mega = 0;
    let used = 0;
    for (let i = 0; i < this.cases.length; i++) {
      const n = this.cases[i].cls.length;
      if (n > 0) used++;
      if (n > 1) { stubs++; caseCount += n; }
      if (this.mega[i] !== 0) mega++;
    }
    const siteBytes = this.ctx.u.staticSendSites * model.wordBytes;
    const stubBytes = stubs * model.picCaseBytes + caseCount * model.picCaseBytes;   // header + cases
    return {
      tableBytes: siteBytes + stubBytes + b.dictBytes + b.cacheBytes,
      slots: this.ctx.u.staticSendSites,
      filled: used,
      detail: {
        staticSites: this.ctx.u.staticSendSites, sitesBound: used, polymorphicSites: stubs, megamorphicSites: mega,
        megamorphicSends: this.megamorphicSends, siteBytes, stubBytes,
        dictionaryBytes: b.dictBytes, cacheBytes: b.cacheBytes, globalCacheMisses: this.cacheMisses,
      },
    };
  }
}
