// Table-driven dispatch techniques: the class × selector table in four
// shapes (docs/DISPATCH.md, techniques 1-4).
//
//   copy-down        one full row per class, copied into every page the
//                    class's objects occupy; a send jumps to
//                    (receiver & pageMask) + column(sel) * entryBytes
//   class-page       one full row per class; a page map gives a page's row
//   row-displacement selector rows (the classes that understand it) overlapped
//                    in one array by first-fit displacement; entry checks its selector
//   coloring         one row per class, as wide as the number of colors; two
//                    selectors understood by one class never share a color
//
// A full row has a column for every selector of BuildContext.selectors;
// empty entries hold a doesNotUnderstand: stub.
import type { Events } from "./model.js";
import { MemCache, addr, REGION_ROWS, REGION_PAGE_MAP, REGION_RD, REGION_COLOR_ROWS, REGION_CLASSES, CLASS_BYTES } from "./dcache.js";
import {
  classOfEvents, indirectCall, newBtb, pow2AtLeast, type BuildContext, type TableStats, type Technique,
} from "./technique.js";

/** Column of every selector id in a full row (-1 = no column). */
function columns(ctx: BuildContext): Int32Array {
  let max = 0;
  for (const s of ctx.selectors) max = Math.max(max, s + 1);
  for (const s of ctx.u.selectors.keys()) max = Math.max(max, s + 1);
  const col = new Int32Array(max).fill(-1);
  ctx.selectors.forEach((s, i) => { col[s] = i; });
  return col;
}

/** Full rows: rows[c][column] = method id or -1. */
function fullRows(ctx: BuildContext, col: Int32Array): Int32Array[] {
  const n = ctx.selectors.length;
  return ctx.u.classes.map((c) => {
    const row = new Int32Array(n).fill(-1);
    for (const [s, m] of ctx.u.flatten(c.id)) if (s < col.length && col[s] >= 0) row[col[s]] = m;
    return row;
  });
}

/**
 * Pages of class `c` (pageObjects objects a page, as in the 16-bit memory):
 * those its instances occupy in the image; one for a class without instances
 * there that receives sends in the run, and one for Integer (SmallIntegers
 * mask to page 0).  A class that never has an instance needs no row.
 */
function pagesOf(ctx: BuildContext, cid: number): number {
  const n = Math.ceil(ctx.u.classes[cid].instanceCount / ctx.model.pageObjects);
  return n > 0 || !(ctx.receivers.has(cid) || cid === ctx.integerClass) ? n : 1;
}

abstract class FullTable implements Technique {
  abstract readonly name: string;
  abstract readonly title: string;
  readonly misses = 0;
  protected readonly col: Int32Array;
  protected readonly rows: Int32Array[];
  protected readonly btb: Int32Array;
  protected readonly mem: MemCache;

  constructor(protected readonly ctx: BuildContext) {
    this.col = columns(ctx);
    this.rows = fullRows(ctx, this.col);
    this.btb = newBtb(ctx.sites);
    this.mem = new MemCache(ctx.model);
  }

  /** Address of the entry (class, sel) in the rows' region (column -1: the row's DNU stub after the last column). */
  protected entryAddr(cls: number, sel: number): number {
    const s = this.ctx.selectors.length;
    const c = sel < this.col.length ? this.col[sel] : -1;
    const E = this.ctx.model.entryBytes;
    return addr(REGION_ROWS, cls * (s + 1) * E + (c < 0 ? s : c) * E);
  }

  resolve(cls: number, sel: number): number {
    const c = sel < this.col.length ? this.col[sel] : -1;
    return c < 0 ? -1 : this.rows[cls][c];
  }

  /**
   * Target of the indirect call: the entry's address, (class, column) — each
   * class has its own copy of an inherited method's entry, so a site whose
   * receivers' classes differ changes target even when the method does not.
   */
  protected entry(cls: number, sel: number): number {
    const c = sel < this.col.length ? this.col[sel] : -1;
    return cls * (this.ctx.selectors.length + 1) + (c + 1);
  }

  abstract dispatch(cls: number, sel: number, site: number, ev: Events): number;
  abstract stats(): TableStats;

  protected pairs(): number {
    let n = 0;
    for (const r of this.rows) for (let i = 0; i < r.length; i++) if (r[i] >= 0) n++;
    return n;
  }
}

/**
 * 1. Copy-down, masked jump:  and t, r, #pageMask ; jalr sel*E(t)
 * The entry holds the method's first instructions (or a jump to its body),
 * so the only work a static call would not do is the mask.
 */
export class CopyDown extends FullTable {
  readonly name = "copy-down";
  readonly title = "copy-down, masked jump";

  dispatch(cls: number, sel: number, site: number, ev: Events): number {
    ev.alu++;
    indirectCall(ev, this.btb, site, this.entry(cls, sel), this.ctx.model);
    this.mem.touch(this.entryAddr(cls, sel), ev);   // fetching the entry's code
    return this.resolve(cls, sel);
  }

  stats(): TableStats {
    const s = this.ctx.selectors.length;
    let pages = 0;
    for (const c of this.ctx.u.classes) pages += pagesOf(this.ctx, c.id);
    const rowBytes = s * this.ctx.model.entryBytes;
    return {
      tableBytes: pages * rowBytes,
      slots: this.rows.length * s,
      filled: this.pairs(),
      // the 16-bit VM (vm-as/codeobj.ts) rounds a code object up to a power of two
      detail: { classes: this.rows.length, selectors: s, pages, rowBytes, pow2StrideBytes: pages * pow2AtLeast(Math.max(1, rowBytes)) },
    };
  }
}

/**
 * 2. Copy-down through a class-page indirection:
 *    srli t, r, #pageShift ; add t, t, pageMap ; lw t, 0(t) ; jalr sel*E(t)
 */
export class ClassPage extends FullTable {
  readonly name = "class-page";
  readonly title = "copy-down via class-page map";

  dispatch(cls: number, sel: number, site: number, ev: Events): number {
    ev.alu += 2;
    ev.loads++;
    this.mem.touch(addr(REGION_PAGE_MAP, cls * this.ctx.model.pageMapEntryBytes), ev);   // the class's (first) page
    indirectCall(ev, this.btb, site, this.entry(cls, sel), this.ctx.model);
    this.mem.touch(this.entryAddr(cls, sel), ev);
    return this.resolve(cls, sel);
  }

  stats(): TableStats {
    const s = this.ctx.selectors.length;
    let pages = 0;
    let withPages = 0;   // classes that need a row: those with a page
    for (const c of this.ctx.u.classes) {
      const p = pagesOf(this.ctx, c.id);
      pages += p;
      if (p > 0) withPages++;
    }
    const rowBytes = s * this.ctx.model.entryBytes;
    const rowsBytes = withPages * rowBytes;
    const mapBytes = pages * this.ctx.model.pageMapEntryBytes;
    return {
      tableBytes: rowsBytes + mapBytes,
      slots: this.rows.length * s,
      filled: this.pairs(),
      detail: { classes: this.rows.length, classesWithRows: withPages, selectors: s, pages, rowBytes, pageMapBytes: mapBytes },
    };
  }
}

/**
 * The selector check every compressed table needs: the caller loads the
 * selector code (li s, #sel), the entry's prologue compares it (bne s, #mine,
 * dnu).  A foreign or empty entry takes the branch to doesNotUnderstand:.
 */
function selectorCheck(ev: Events, hit: boolean): void {
  ev.alu++;
  if (hit) ev.condNotTaken++;
  else ev.condTaken++;
}

/**
 * 3. Selector-indexed table compressed by row displacement:
 *    classOf ; lw cid, CID(cls) ; addi t, cid, #offset(sel) ; slli t, t, 2 ;
 *    add t, t, table ; lw m, 0(t) ; li s, #sel ; jalr m ; (callee) bne s, #mine, dnu
 */
export class RowDisplacement implements Technique {
  readonly name = "row-displacement";
  readonly title = "selector table, row displacement";
  readonly misses = 0;
  private readonly offset: Int32Array;
  private readonly method: Int32Array;
  private readonly owner: Int32Array;
  private readonly btb: Int32Array;
  private readonly entries: number;
  private readonly rowCount: number;
  private readonly mem: MemCache;

  constructor(private readonly ctx: BuildContext) {
    const { u } = ctx;
    const nClasses = u.classes.length;
    // rows: the classes that understand each selector
    const rows = new Map<number, number[]>();
    for (const s of ctx.selectors) rows.set(s, []);
    for (const c of u.classes) {
      for (const s of u.flatten(c.id).keys()) rows.get(s)?.push(c.id);
    }
    const order = [...rows.entries()].filter(([, r]) => r.length > 0)
      .sort((a, b) => b[1].length - a[1].length || a[0] - b[0]);
    let maxSel = 0;
    for (const s of ctx.selectors) maxSel = Math.max(maxSel, s + 1);
    for (const s of u.selectors.keys()) maxSel = Math.max(maxSel, s + 1);
    this.offset = new Int32Array(maxSel).fill(0);
    let cap = Math.max(64, nClasses * 4);
    let used = new Uint8Array(cap);
    let firstFree = 0;
    let length = 0;
    let entries = 0;
    const placed: [number, number, number[]][] = [];
    for (const [s, row] of order) {
      // first fit: the smallest offset where every class of the row finds a free slot
      let o = Math.max(0, firstFree - row[0]);
      for (;;) {
        while (o + nClasses >= cap) {
          const bigger = new Uint8Array(cap * 2);
          bigger.set(used);
          used = bigger;
          cap *= 2;
        }
        let ok = true;
        for (const c of row) if (used[o + c] !== 0) { ok = false; break; }
        if (ok) break;
        o++;
      }
      for (const c of row) used[o + c] = 1;
      while (firstFree < cap && used[firstFree] !== 0) firstFree++;
      this.offset[s] = o;
      placed.push([s, o, row]);
      length = Math.max(length, o + row[row.length - 1] + 1);
      entries += row.length;
    }
    // any class index added to any offset stays inside the array: pad by the class count
    const total = length + nClasses;
    this.method = new Int32Array(total).fill(-1);
    this.owner = new Int32Array(total).fill(-1);
    for (const [s, o, row] of placed) {
      for (const c of row) {
        this.method[o + c] = u.lookup(c, s);
        this.owner[o + c] = s;
      }
    }
    this.entries = entries;
    this.rowCount = placed.length;
    this.btb = newBtb(ctx.sites);
    this.mem = new MemCache(ctx.model);
  }

  resolve(cls: number, sel: number): number {
    const i = (sel < this.offset.length ? this.offset[sel] : 0) + cls;
    return this.owner[i] === sel ? this.method[i] : -1;
  }

  dispatch(cls: number, sel: number, site: number, ev: Events): number {
    classOfEvents(ev, cls === this.ctx.integerClass);
    ev.loads += 2;      // class number, entry
    ev.alu += 3;        // offset, scale, base
    const i = (sel < this.offset.length ? this.offset[sel] : 0) + cls;
    this.mem.touch(addr(REGION_CLASSES, cls * CLASS_BYTES + 20), ev);   // class number
    this.mem.touch(addr(REGION_RD, i * this.ctx.model.slotBytes), ev);
    // the call goes to whatever method the slot holds (-1: the empty slots' DNU stub)
    indirectCall(ev, this.btb, site, this.method[i], this.ctx.model);
    const hit = this.owner[i] === sel;
    selectorCheck(ev, hit);
    return hit ? this.method[i] : -1;
  }

  stats(): TableStats {
    return {
      tableBytes: this.method.length * this.ctx.model.slotBytes,
      slots: this.method.length,
      filled: this.entries,
      detail: { rows: this.rowCount, arrayLength: this.method.length, classNumberBytes: 0 },
    };
  }
}

/**
 * 4. Selector coloring: each class carries a row of `colors` slots;
 *    classOf ; lw m, color(sel)*4+ROW(cls) ; li s, #sel ; jalr m ; (callee) bne s, #mine, dnu
 */
export class Coloring implements Technique {
  readonly name = "coloring";
  readonly title = "selector coloring";
  readonly misses = 0;
  readonly colors: number;
  private readonly color: Int32Array;
  private readonly rows: Int32Array[];
  private readonly owners: Int32Array[];
  private readonly btb: Int32Array;
  private readonly mem: MemCache;

  constructor(private readonly ctx: BuildContext) {
    const { u } = ctx;
    const classesOf = new Map<number, number[]>();
    for (const s of ctx.selectors) classesOf.set(s, []);
    for (const c of u.classes) for (const s of u.flatten(c.id).keys()) classesOf.get(s)?.push(c.id);
    const order = [...classesOf.entries()].sort((a, b) => b[1].length - a[1].length || a[0] - b[0]);
    let maxSel = 0;
    for (const s of ctx.selectors) maxSel = Math.max(maxSel, s + 1);
    for (const s of u.selectors.keys()) maxSel = Math.max(maxSel, s + 1);
    this.color = new Int32Array(maxSel).fill(0);
    const usedBy: number[][] = u.classes.map(() => []);
    let colors = 0;
    let mark = new Int32Array(16).fill(-1);
    for (const [s, cls] of order) {
      if (cls.length === 0) continue;   // sent but understood nowhere: any color, the check fails
      for (const c of cls) for (const k of usedBy[c]) {
        if (k >= mark.length) { const m2 = new Int32Array(mark.length * 2).fill(-1); m2.set(mark); mark = m2; }
        mark[k] = s;
      }
      let k = 0;
      while (k < mark.length && mark[k] === s) k++;
      this.color[s] = k;
      colors = Math.max(colors, k + 1);
      for (const c of cls) usedBy[c].push(k);
    }
    this.colors = colors;
    this.rows = u.classes.map(() => new Int32Array(colors).fill(-1));
    this.owners = u.classes.map(() => new Int32Array(colors).fill(-1));
    for (const [s, cls] of order) {
      for (const c of cls) {
        this.rows[c][this.color[s]] = u.lookup(c, s);
        this.owners[c][this.color[s]] = s;
      }
    }
    this.btb = newBtb(ctx.sites);
    this.mem = new MemCache(ctx.model);
  }

  resolve(cls: number, sel: number): number {
    const k = sel < this.color.length ? this.color[sel] : 0;
    if (k >= this.colors) return -1;
    return this.owners[cls][k] === sel ? this.rows[cls][k] : -1;
  }

  dispatch(cls: number, sel: number, site: number, ev: Events): number {
    classOfEvents(ev, cls === this.ctx.integerClass);
    ev.loads++;
    const k = sel < this.color.length ? this.color[sel] : 0;
    this.mem.touch(addr(REGION_COLOR_ROWS, (cls * this.colors + Math.min(k, this.colors)) * this.ctx.model.slotBytes), ev);
    // the call goes to whatever method the slot holds (-1: the empty slots' DNU stub)
    indirectCall(ev, this.btb, site, k < this.colors ? this.rows[cls][k] : -1, this.ctx.model);
    const m = this.resolve(cls, sel);
    selectorCheck(ev, m >= 0);
    return m;
  }

  stats(): TableStats {
    let filled = 0;
    for (const r of this.rows) for (let i = 0; i < r.length; i++) if (r[i] >= 0) filled++;
    const slots = this.rows.length * this.colors;
    return {
      tableBytes: slots * this.ctx.model.slotBytes,
      slots,
      filled,
      detail: { classes: this.rows.length, colors: this.colors },
    };
  }
}
