// The dispatch lab's structures on small hand-made hierarchies: sizes and
// fill rates computed by hand, lookups through every technique, and the
// cycle counts of each dispatch sequence in the default model.
import { describe, it, expect } from "vitest";
import { Universe } from "../../host-tools/sim/universe.js";
import { TECHNIQUES, techniqueByName } from "../../host-tools/sim/dispatch.js";
import { DEFAULT_MODEL, PIPELINED_MODEL, Events, cyclesOf, staticCallCycles, parseModel, ModelError, type CycleModel } from "../../host-tools/sim/model.js";
import type { BuildContext, Technique } from "../../host-tools/sim/technique.js";

// A: foo bar    B < A: baz    C < A: foo (override)
function abc(): Universe {
  const u = new Universe();
  u.define("A", null, ["foo", "bar"]);
  u.define("B", "A", ["baz"]);
  u.define("C", "A", ["foo"]);
  return u;
}

function ctx(u: Universe, model: CycleModel = DEFAULT_MODEL, sites = 4, extraSelectors: string[] = []): BuildContext {
  for (const s of extraSelectors) u.selectorId(s);
  // every class counts as a receiver (a page each unless its instances need more)
  return { u, model, selectors: u.selectors.map((_s, i) => i), sites, integerClass: -1, receivers: new Set(u.classes.map((c) => c.id)) };
}

function build(name: string, c: BuildContext): Technique {
  return techniqueByName(name)!.build(c);
}

const id = (u: Universe, cls: string): number => u.classByName.get(cls)!;
const sel = (u: Universe, s: string): number => u.selectorByName.get(s)!;
const meth = (u: Universe, key: string): number => u.methodByKey.get(key)!;

describe("universe", () => {
  it("flattens inherited methods; overrides win", () => {
    const u = abc();
    expect(u.lookup(id(u, "B"), sel(u, "foo"))).toBe(meth(u, "A>>foo"));
    expect(u.lookup(id(u, "C"), sel(u, "foo"))).toBe(meth(u, "C>>foo"));
    expect(u.lookup(id(u, "A"), sel(u, "baz"))).toBe(-1);
    // A 2, B 3, C 2 understood pairs of 3 × 3
    expect(u.understoodPairs()).toBe(7);
  });
});

describe("every technique gives the universe's method for every (class, selector)", () => {
  const u = abc();
  u.define("D", "B", ["bar", "qux"]);
  u.selectorId("neverImplemented");
  // a call site sends one selector: site = selector id
  const c = ctx(u, DEFAULT_MODEL, u.selectors.length);
  for (const def of TECHNIQUES) {
    it(def.name, () => {
      const t = def.build(c);
      const ev = new Events();
      for (const k of u.classes) {
        for (let s = 0; s < u.selectors.length; s++) {
          const want = u.lookup(k.id, s);
          expect(t.resolve(k.id, s)).toBe(want);
          // twice through the same site: cold then warm caches
          expect(t.dispatch(k.id, s, s, ev)).toBe(want);
          expect(t.dispatch(k.id, s, s, ev)).toBe(want);
          expect(t.dispatch(k.id, s, -1, ev)).toBe(want);
        }
      }
    });
  }
});

describe("table sizes and fill rates, computed by hand", () => {
  it("copy-down: one full row per page; 3 classes × 3 selectors × 8 bytes", () => {
    const s = build("copy-down", ctx(abc())).stats();
    expect(s).toMatchObject({ tableBytes: 72, slots: 9, filled: 7 });
  });

  it("copy-down: a class whose instances fill 2.5 pages carries 3 copies of its row", () => {
    const u = abc();
    u.define("Big", "A", [], 2.5 * DEFAULT_MODEL.pageObjects);
    const s = build("copy-down", ctx(u)).stats();
    // pages: A, B, C one each, Big three: 6 rows of 3 selectors × 8 bytes
    expect(s.tableBytes).toBe(6 * 3 * 8);
    expect(s.detail.pages).toBe(6);
  });

  it("copy-down: a class that has no instances and receives no send needs no row", () => {
    const u = abc();
    u.define("Abstract", "A", ["x"]);
    const c = ctx(u);
    const s = build("copy-down", { ...c, receivers: new Set([0, 1, 2]) }).stats();
    expect(s.detail.pages).toBe(3);
    expect(s.tableBytes).toBe(3 * 4 * 8);   // 4 selectors now
    expect(s.slots).toBe(4 * 4);            // the full table still has the class's row
  });

  it("class-page: one row per class plus a 2-byte map entry per page", () => {
    const s = build("class-page", ctx(abc())).stats();
    expect(s.tableBytes).toBe(72 + 3 * 2);
  });

  it("row displacement: rows foo [A B C], bar [A B C], baz [B] overlap into 7 slots (+3 padding)", () => {
    const s = build("row-displacement", ctx(abc())).stats();
    // foo at offset 0 (slots 0-2), bar at 3 (3-5), baz (class 1) at 5 → slot 6; length 7, padded by 3 classes
    expect(s).toMatchObject({ slots: 10, filled: 7, tableBytes: 40 });
  });

  it("coloring: foo, bar and baz all meet in B, so 3 colors; 3 classes × 3 colors", () => {
    const t = build("coloring", ctx(abc()));
    expect(t.stats()).toMatchObject({ slots: 9, filled: 7, tableBytes: 36, detail: { colors: 3 } });
  });

  it("coloring shares a color between selectors no class understands together", () => {
    const u = new Universe();
    u.define("Root", null, []);
    u.define("P", "Root", ["a", "b"]);
    u.define("Q", "Root", ["c", "d"]);
    const s = build("coloring", ctx(u)).stats();
    expect(s.detail.colors).toBe(2);
    expect(s).toMatchObject({ slots: 3 * 2, filled: 4 });
  });

  it("lookup: dictionaries of capacity 4, 2, 2 (2 words a slot) and the cache (3 words an entry)", () => {
    const s = build("lookup", ctx(abc())).stats();
    expect(s.detail.dictionaryBytes).toBe((4 + 2 + 2) * 2 * 4);
    expect(s.detail.cacheBytes).toBe(DEFAULT_MODEL.cacheEntries * 12);
    expect(s).toMatchObject({ slots: 8, filled: 4 });
  });
});

describe("dispatch cycles in the default model (the sequences of docs/DISPATCH.md)", () => {
  const cyc = (name: string, cls = "A", s = "foo", model: CycleModel = DEFAULT_MODEL, site = 0): number => {
    const u = abc();
    const t = build(name, ctx(u, model));
    const ev = new Events();
    t.dispatch(id(u, cls), sel(u, s), site, ev);   // warm the caches
    ev.reset();
    t.dispatch(id(u, cls), sel(u, s), site, ev);
    return cyclesOf(ev, model) - staticCallCycles(model);
  };

  it("copy-down with a masked jump costs one cycle per send", () => {
    expect(cyc("copy-down")).toBe(1);
    expect(cyc("copy-down", "B", "baz")).toBe(1);
    expect(cyc("copy-down", "C", "baz")).toBe(1);   // not understood: the entry is a DNU stub, same price
  });

  it("the others follow from their sequences", () => {
    expect(cyc("class-page")).toBe(2 + 2);                 // srli, add, lw (+1 load-use)
    expect(cyc("coloring")).toBe(4 + 2 + 1 + 1);           // classOf, lw entry, li sel, check
    expect(cyc("row-displacement")).toBe(4 + 4 + 3 + 1 + 1); // classOf, 2 loads, 3 ALU, li sel, check
    expect(cyc("lookup")).toBe(4 + 3 + 2 + 1 + 1 + 2 + 1 + 2); // classOf, hash, 2 probes of the entry, lw method
    expect(cyc("ic")).toBe(1 + 4 + 1);                     // li class, classOf, bne (not taken)
    expect(cyc("pic")).toBe(1 + 4 + 1);                    // monomorphic: an inline cache
  });

  it("a polymorphic PIC stub: classOf, then one compare per case until the taken one", () => {
    const u = abc();
    const t = build("pic", ctx(u));
    const ev = new Events();
    t.dispatch(id(u, "A"), sel(u, "foo"), 0, ev);
    t.dispatch(id(u, "C"), sel(u, "foo"), 0, ev);   // miss: the site gets a stub [A, C]
    ev.reset();
    t.dispatch(id(u, "C"), sel(u, "foo"), 0, ev);
    // call the stub (3), classOf (4), li + bne not taken (2), li + beq taken (1 + 3), minus the static call (3)
    expect(cyclesOf(ev, DEFAULT_MODEL) - staticCallCycles(DEFAULT_MODEL)).toBe(3 + 4 + 2 + 4 - 3);
  });

  it("with a branch-target buffer, a polymorphic site mispredicts the indirect jump", () => {
    const u = abc();
    const t = build("copy-down", ctx(u, PIPELINED_MODEL));
    const ev = new Events();
    t.dispatch(id(u, "A"), sel(u, "foo"), 0, ev);
    t.dispatch(id(u, "A"), sel(u, "foo"), 0, ev);
    expect(ev.mispredicts).toBe(1);   // cold only
    t.dispatch(id(u, "C"), sel(u, "foo"), 0, ev);
    t.dispatch(id(u, "A"), sel(u, "foo"), 0, ev);
    expect(ev.mispredicts).toBe(3);
  });

  it("an inherited method has an entry per class under copy-down (targets differ), one address in a selector table", () => {
    const u = abc();
    const mispredicts = (name: string): number => {
      const t = build(name, ctx(u, PIPELINED_MODEL));
      const ev = new Events();
      for (const k of ["A", "B", "A", "B"]) t.dispatch(id(u, k), sel(u, "foo"), 0, ev);   // both run A>>foo
      return ev.mispredicts;
    };
    expect(mispredicts("copy-down")).toBe(4);
    expect(mispredicts("class-page")).toBe(4);
    expect(mispredicts("coloring")).toBe(1);
    expect(mispredicts("row-displacement")).toBe(1);
    expect(mispredicts("lookup")).toBe(1);
  });

  it("the optional memory cache: a small one misses when entries of several classes alternate, a large one only when cold", () => {
    const run = (memCacheBytes: number): { misses: number; cycles: number } => {
      const u = abc();
      const model = { ...DEFAULT_MODEL, memCacheBytes, memCacheLineBytes: 8, memMiss: 10 };
      const t = build("copy-down", ctx(u, model));
      const ev = new Events();
      let misses = 0;
      let cycles = 0;
      for (let round = 0; round < 4; round++) {
        for (const k of ["A", "B", "C"]) {
          ev.reset();
          t.dispatch(id(u, k), sel(u, "foo"), 0, ev);
          misses += ev.memMisses;
          cycles += cyclesOf(ev, model) - staticCallCycles(model);
        }
      }
      return { misses, cycles };
    };
    // rows are (3 selectors + stub) × 8 bytes = 32 bytes apart: in an 8-byte, one-line cache every access misses
    expect(run(8)).toEqual({ misses: 12, cycles: 12 * (1 + 10) });
    expect(run(1024)).toEqual({ misses: 3, cycles: 12 + 3 * 10 });
    expect(run(0)).toEqual({ misses: 0, cycles: 12 });
  });

  it("a PIC site with more receiver classes than cases goes megamorphic", () => {
    const u = new Universe();
    u.define("Root", null, ["m"]);
    for (let i = 0; i < 6; i++) u.define(`K${i}`, "Root", []);
    const model = { ...DEFAULT_MODEL, picEntries: 2 };
    const t = build("pic", ctx(u, model, 1));
    const ev = new Events();
    for (let round = 0; round < 3; round++) for (let i = 0; i < 6; i++) t.dispatch(id(u, `K${i}`), sel(u, "m"), 0, ev);
    const s = t.stats();
    expect(s.detail.megamorphicSites).toBe(1);
    expect(t.misses).toBe(3);   // K0, K1 fill the stub, K2 turns the site megamorphic
  });
});

describe("model files", () => {
  it("keys override the preset; unknown keys, bad values and a non-power-of-two cache are refused", () => {
    expect(parseModel('{"loadUse": 3}', "m.json")).toMatchObject({ ...DEFAULT_MODEL, loadUse: 3 });
    expect(parseModel('{"preset": "pipelined", "name": "x"}', "m.json")).toMatchObject({ ...PIPELINED_MODEL, name: "x" });
    expect(() => parseModel('{"lodUse": 3}', "m.json")).toThrow(/unknown key "lodUse"/);
    expect(() => parseModel('{"taken": -1}', "m.json")).toThrow(ModelError);
    expect(() => parseModel('{"cacheEntries": 100}', "m.json")).toThrow(/power of two/);
    expect(() => parseModel('{"predictor": "gshare"}', "m.json")).toThrow(/predictor/);
    expect(() => parseModel('{"memCacheBytes": 3000}', "m.json")).toThrow(/memCacheBytes/);
    expect(() => parseModel('{"memCacheBytes": 16, "memCacheLineBytes": 32}', "m.json")).toThrow(/memCacheBytes/);
    expect(() => parseModel('{"memCacheLineBytes": 24}', "m.json")).toThrow(/memCacheLineBytes/);
    expect(() => parseModel("[1]", "m.json")).toThrow(/JSON object/);
    expect(() => parseModel("{", "m.json")).toThrow(/not valid JSON/);
  });
});
