// `talc sim` and `talc build --dispatch` through the CLI in-process:
// determinism, the one-cycle copy-down claim on a real program, the image
// header's dispatch bits, output files, clear errors, and the zero cost of
// the trace in the release VM build.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main, type CliIO } from "../../host-tools/cli.js";
import { imageDispatch, withImageDispatch, TECHNIQUE_NAMES } from "../../host-tools/sim/dispatch.js";
import type { SimReport } from "../../host-tools/sim/lab.js";
import { IH_FLAGS, IMAGE_DISPATCH_MASK } from "../../vm-as/layout.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

async function talc(argv: string[], cwd = ROOT): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const text = (b: Uint8Array | string): string => (typeof b === "string" ? b : Buffer.from(b).toString("utf8"));
  const io: CliIO = { stdout: (b) => { stdout += text(b); }, stderr: (b) => { stderr += text(b); }, cwd };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), "talc-sim-"));

describe("talc sim", () => {
  it("is deterministic: the same image and model give the same JSON twice", async () => {
    const d = tmp();
    const img = join(d, "r.img");
    expect((await talc(["build", "examples/bench/Richards.som", "-o", img])).status).toBe(0);
    const a = await talc(["sim", "--json", join(d, "a.json"), img, "20"]);
    const b = await talc(["sim", "--json", join(d, "b.json"), img, "20"]);
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    const ja = readFileSync(join(d, "a.json"), "utf8");
    expect(ja).toBe(readFileSync(join(d, "b.json"), "utf8"));
    expect(a.stdout).toBe(b.stdout);
    const r = JSON.parse(ja) as SimReport;
    expect(r.techniques.map((t) => t.name)).toEqual(TECHNIQUE_NAMES);
    expect(r.run.sends).toBeGreaterThan(1_000);
  });

  it("copy-down with a masked jump: every dynamically bound send costs exactly 1 cycle (default model)", async () => {
    const d = tmp();
    const r = await talc(["sim", "--dispatch", "copy-down", "--json", join(d, "r.json"), "examples/bench/Graph.som", "5"]);
    expect(r.status).toBe(0);
    const rep = JSON.parse(readFileSync(join(d, "r.json"), "utf8")) as SimReport;
    const cd = rep.techniques[0];
    expect(cd.name).toBe("copy-down");
    // super sends are bound statically (0 cycles); all others 1
    const hist = new Map(cd.histogram);
    expect([...hist.keys()].every((k) => k === 0 || k === 1)).toBe(true);
    expect(hist.get(1)).toBe(cd.sends - cd.staticSends);
    expect(cd.dispatchCycles).toBe(cd.sends - cd.staticSends);
  });

  it("fill rates: a full table's fill is understood pairs / (classes × selectors)", async () => {
    const d = tmp();
    expect((await talc(["sim", "--dispatch", "copy-down,coloring", "--json", join(d, "r.json"), "examples/bench/Fib.som", "5"])).status).toBe(0);
    const rep = JSON.parse(readFileSync(join(d, "r.json"), "utf8")) as SimReport;
    const u = rep.universe;
    expect(u.tableSlots).toBe(u.classes * u.selectors);
    expect(u.fullTableFill).toBeCloseTo(u.understoodPairs / u.tableSlots, 12);
    const [cd, col] = rep.techniques;
    expect(cd.filled).toBe(u.understoodPairs);
    expect(cd.slots).toBe(u.tableSlots);
    expect(col.filled).toBe(u.understoodPairs);   // coloring keeps every pair, in fewer columns
    expect(col.slots).toBeLessThan(u.tableSlots);
    expect(col.fillRate).toBeCloseTo(col.filled / col.slots, 12);
  });

  it("build --dispatch records the technique; sim then replays only that one; the VM runs the image as before", async () => {
    const d = tmp();
    const img = join(d, "fib.img");
    expect((await talc(["build", "examples/bench/Fib.som", "--dispatch", "row-displacement", "-o", img])).status).toBe(0);
    const bytes = readFileSync(img);
    expect(bytes[IH_FLAGS] & IMAGE_DISPATCH_MASK).toBe(3);
    expect(imageDispatch(bytes)?.name).toBe("row-displacement");
    const run = await talc(["run", img, "10"]);
    expect(run).toMatchObject({ status: 0, stdout: "Fib 10 55\n" });
    const sim = await talc(["sim", img, "10"]);
    expect(sim.status).toBe(0);
    const rows = sim.stdout.split("\n").filter((l) => TECHNIQUE_NAMES.some((n) => l.startsWith(n + " ")));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(["row-displacement"]);
    for (const name of TECHNIQUE_NAMES) expect(imageDispatch(withImageDispatch(bytes, name))?.name).toBe(name);
  });

  it("writes an SVG chart with a bar per technique in each panel", async () => {
    const d = tmp();
    const svg = join(d, "c.svg");
    expect((await talc(["sim", "--svg", svg, "--model", "pipelined", "examples/bench/Fib.som", "5"])).status).toBe(0);
    const text = readFileSync(svg, "utf8");
    expect(text.startsWith("<svg ")).toBe(true);
    expect(text.trimEnd().endsWith("</svg>")).toBe(true);
    expect(text.match(/<rect /g)?.length).toBe(1 + 2 * TECHNIQUE_NAMES.length);
    expect(text).toContain("predictor btb");
  });

  it("reads a model file", async () => {
    const d = tmp();
    writeFileSync(join(d, "m.json"), JSON.stringify({ name: "slow-loads", loadUse: 4 }));
    const r = await talc(["sim", "--dispatch", "class-page", "--model", "m.json", "--json", "r.json", join(ROOT, "examples/bench/Fib.som"), "5"], d);
    expect(r.status).toBe(0);
    const rep = JSON.parse(readFileSync(join(d, "r.json"), "utf8")) as SimReport;
    expect(rep.model.name).toBe("slow-loads");
    expect(rep.techniques[0].p50).toBe(2 + 1 + 4);   // srli, add, lw with a 4-cycle load-use stall
  });

  it("bad input gets one clear message and status 1 or 2", async () => {
    const d = tmp();
    writeFileSync(join(d, "bad.json"), "{\"taken\": \"two\"}");
    writeFileSync(join(d, "junk.img"), "not an image at all, just text");
    const cases: [string[], number, RegExp][] = [
      [["sim"], 2, /missing required argument 'main'/],
      [["sim", "--frobnicate", "Fib"], 2, /unknown option '--frobnicate'/],
      [["sim", "--dispatch", "vtable", "examples/bench/Fib.som"], 2, /unknown dispatch technique 'vtable'/],
      [["sim", "--model"], 2, /--model needs a value/],
      [["sim", "--model", join(d, "bad.json"), "examples/bench/Fib.som"], 1, /"taken" must be a number/],
      [["sim", "--model", join(d, "none.json"), "examples/bench/Fib.som"], 1, /cannot read model .*no such file/],
      [["sim", join(d, "missing.img")], 1, /cannot read image .*no such file/],
      [["sim", join(d, "junk.img")], 1, /image|magic/i],
      [["sim", "NoSuchClassAnywhere"], 1, /class 'NoSuchClassAnywhere' not found/],
      [["sim", "--max-sends", "100", "examples/bench/Fib.som", "10"], 1, /more than 100 sends/],
      [["build", "examples/bench/Fib.som", "--dispatch", "vtable", "-o", join(d, "x.img")], 2, /unknown --dispatch 'vtable'/],
    ];
    for (const [argv, status, msg] of cases) {
      const r = await talc(argv);
      expect({ argv, status: r.status }).toEqual({ argv, status });
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);   // no stack trace
    }
  });
});

describe("the trace costs the release VM nothing", () => {
  it("only the sim and sim16 builds import send_trace", () => {
    const imports = (f: string): string[] =>
      WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(ROOT, "build", f)))).map((i) => i.name);
    expect(imports("talc.sim.wasm")).toContain("send_trace");
    expect(imports("talc.wasm")).not.toContain("send_trace");
    expect(imports("talc.debug.wasm")).not.toContain("send_trace");
    expect(imports("talc16.sim.wasm")).toContain("send_trace");
    expect(imports("talc16.wasm")).not.toContain("send_trace");
    expect(imports("talc16.debug.wasm")).not.toContain("send_trace");
  });
});
