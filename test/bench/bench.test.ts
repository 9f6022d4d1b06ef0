// The benchmark suite's parts with real programs: every SOM benchmark prints
// the same line as its Lua twin (small sizes), the Lua and Talc runners time
// and capture correctly, the class closure used for preloading, and the
// docs-section rewrite.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildClassPath, packageRoot } from "../../host-tools/classpath.js";
import { PROGRAMS } from "../../host-tools/bench/programs.js";
import { runLua } from "../../host-tools/bench/lua.js";
import { classClosure, runTalc } from "../../host-tools/bench/talc.js";
import { replaceBetweenMarkers, BEGIN, END } from "../../host-tools/bench/docs.js";
import { geomean } from "../../host-tools/bench/table.js";

const root = packageRoot();
const benchDir = join(root, "examples", "bench");
const classPathFor = (name: string): string[] => buildClassPath(undefined, join(benchDir, name + ".som"), root);

// Small sizes: a fraction of a second on both sides.
const SMALL: Record<string, number> = {
  Fib: 15, Loops: 300, Sieve: 2, Vectors: 3, Richards: 700, Graph: 1, Closures: 5, StringBuild: 2000, FloatMath: 150,
};

describe("every benchmark prints the same line on Talc and on Lua", () => {
  it("has a small size for every program", () => {
    expect(PROGRAMS.map((p) => p.name).sort()).toEqual(Object.keys(SMALL).sort());
  });
  for (const p of PROGRAMS) {
    it(p.name, async () => {
      const arg = String(SMALL[p.name]);
      const lua = await runLua(join(benchDir, "lua", p.name + ".lua"), [arg], 60_000);
      expect(lua.error).toBeUndefined();
      expect(lua.status).toBe(0);
      expect(lua.stdout).toMatch(new RegExp(`^${p.name} ${arg}( -?\\d+)+\\n$`));
      const talc = await runTalc(p.name, [arg], classPathFor(p.name), 16 << 20);
      expect(talc.error).toBeUndefined();
      expect(talc.stderr).toBe("");
      expect(talc.status).toBe(0);
      expect(talc.stdout).toBe(lua.stdout);
      expect(talc.bytecodes).toBeGreaterThan(0);
    });
  }
});

describe("runners", () => {
  it("Lua: wall and CPU time, stdout without the timing line", async () => {
    const r = await runLua(join(benchDir, "lua", "Fib.lua"), ["20"], 60_000);
    expect(r.stdout).toBe("Fib 20 6765\n");
    expect(r.stderr).toBe("");
    expect(r.ms).toBeGreaterThan(0);
    expect(r.cpuMs).toBeGreaterThanOrEqual(0);
  });

  it("Lua: a failing program is reported with its status", async () => {
    const r = await runLua(join(benchDir, "lua", "Nope.lua"), [], 60_000);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("Nope.lua");
  });

  it("Talc: a failing program is reported with its status and stderr", async () => {
    // Vectors with a non-numeric size: asInteger fails (Integer fromString:)
    const r = await runTalc("Vectors", ["x"], classPathFor("Vectors"), 16 << 20);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/cannot be converted to an Integer|ERROR/);
  });

  it("Talc: counts bytecodes and sends of the run only", async () => {
    const a = await runTalc("Fib", ["10"], classPathFor("Fib"), 16 << 20);
    const b = await runTalc("Fib", ["15"], classPathFor("Fib"), 16 << 20);
    expect(a.stdout).toBe("Fib 10 55\n");
    // fib: sends grow with the number of calls: 177 calls for 10, 1973 for 15
    expect(b.sends - a.sends).toBeGreaterThanOrEqual(1973 - 177);
    expect(b.bytecodes).toBeGreaterThan(a.bytecodes);
  });
});

describe("class closure for preloading", () => {
  it("finds the helper classes, superclasses before subclasses", () => {
    const names = classClosure("Richards", classPathFor("Richards"));
    for (const c of ["RichScheduler", "RichTask", "RichIdleTask", "RichWorkerTask", "RichHandlerTask", "RichDeviceTask", "RichPacket", "Richards"]) {
      expect(names).toContain(c);
    }
    expect(names.indexOf("RichTask")).toBeLessThan(names.indexOf("RichIdleTask"));
    expect(names[names.length - 1]).toBe("Richards");
  });

  it("includes library classes named by the program and ignores names in comments and strings", () => {
    const names = classClosure("Graph", classPathFor("Graph"));
    expect(names).toContain("Vector");
    expect(names).toContain("GraphHeap");
    expect(names).not.toContain("Lua");       // named only in a comment
  });
});

describe("docs section", () => {
  const doc = `# Title\n\nprose\n\n${BEGIN}\nold table\n${END}\n\nanalysis\n`;

  it("replaces only the text between the markers", () => {
    const out = replaceBetweenMarkers(doc, "new table\n");
    expect(out).toBe(`# Title\n\nprose\n\n${BEGIN}\nnew table\n${END}\n\nanalysis\n`);
    expect(replaceBetweenMarkers(out, "again")).toContain(`${BEGIN}\nagain\n${END}`);
  });

  it("refuses a document without the markers", () => {
    expect(() => replaceBetweenMarkers("# no markers\n", "x")).toThrow(/markers/);
    expect(() => replaceBetweenMarkers(`${END}\n${BEGIN}\n`, "x")).toThrow(/markers/);
  });
});

describe("geometric mean", () => {
  it("of ratios", () => {
    expect(geomean([2, 8])).toBeCloseTo(4, 10);
    expect(geomean([1.5])).toBeCloseTo(1.5, 10);
    expect(geomean([])).toBeNull();
  });
});
