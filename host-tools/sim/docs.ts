// Numbers for docs/DISPATCH.md: every benchmark under every technique in the
// default model, the class × selector universes, and a sensitivity sweep of
// the model's parameters over the benchmarks' recorded sends.
//
//   node dist/host-tools/sim/docs.js [--md FILE] [--json FILE]
//
// Each benchmark runs once (traced); every model of the sweep replays the
// same recordings, so the sweep measures the model, not run-to-run noise.
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot, buildClassPath } from "../classpath.js";
import { buildImage } from "../image/builder.js";
import { TalcVM } from "../vm/vmhost.js";
import { DEFAULT_MODEL, PIPELINED_MODEL, type CycleModel } from "./model.js";
import { TECHNIQUES } from "./dispatch.js";
import { runLab, replayAll, type SimReport, type UniverseSummary } from "./lab.js";
import { universeOfImage, type Universe } from "./universe.js";
import type { Recording } from "./record.js";

/** Benchmarks with small arguments (a few hundred thousand sends at most). */
export const DOC_BENCHMARKS: readonly [string, string][] = [
  ["Fib", "18"], ["Loops", "1000"], ["Sieve", "20"], ["Vectors", "100"], ["Richards", "200"],
  ["Graph", "20"], ["Closures", "200"], ["StringBuild", "5000"], ["FloatMath", "1000"],
];

interface Recorded {
  name: string;
  image: Uint8Array;
  arg: string;
  universe: Universe;
  recording: Recording;
  report: SimReport;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const kib = (n: number): string => (n >= 10240 ? `${(n / 1024).toFixed(0)} KiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

async function recordAll(): Promise<Recorded[]> {
  const out: Recorded[] = [];
  const bench = join(packageRoot(), "examples/bench");
  for (const [name, arg] of DOC_BENCHMARKS) {
    const classPath = buildClassPath(undefined, join(bench, name + ".som"), packageRoot());
    const image = await buildImage({ classPath, main: name, heapBytes: 64 * 1024 * 1024 });
    const r = runLab({
      image, program: name, args: [arg], classPath, heapBytes: 64 * 1024 * 1024, stackBytes: 4 * 1024 * 1024,
      maxSends: 20_000_000, model: DEFAULT_MODEL, techniques: TECHNIQUES,
    });
    out.push({ name, arg, image, universe: r.universe, recording: r.recording, report: r.report });
  }
  return out;
}

/** An image holding every kernel class and every benchmark class (linked into the library). */
async function wholeLibraryUniverse(): Promise<UniverseSummary> {
  const root = packageRoot();
  const bench = join(root, "examples/bench");
  const classPath = buildClassPath(bench, undefined, root);
  const vm = await TalcVM.create({ classPath, heapBytes: 64 * 1024 * 1024, stdout: () => {}, stderr: () => {} });
  vm.bootstrap();
  vm.setLinkToLibrary(true);
  const names = [
    ...readdirSync(join(root, "kernel")).filter((f) => f.endsWith(".som")),
    ...readdirSync(bench).filter((f) => f.endsWith(".som")),
  ].map((f) => f.slice(0, -4)).sort();
  for (const n of names) vm.loadClassByName(n);
  vm.setLinkToLibrary(false);
  const u = universeOfImage(vm.snapshot());
  const selectors = u.tableSelectors().length;
  const pairs = u.understoodPairs();
  return {
    classes: u.classes.length, metaclasses: u.classes.filter((c) => c.name.endsWith(" class")).length, selectors,
    implementedSelectors: new Set(u.classes.flatMap((c) => [...c.own.keys()])).size, methods: u.methods.length,
    tableSlots: u.classes.length * selectors, understoodPairs: pairs, fullTableFill: pairs / (u.classes.length * selectors),
    staticSendSites: u.staticSendSites,
  };
}

/** Mean dispatch cycles per send of each technique over all recordings under `model`. */
function meanOver(all: Recorded[], model: CycleModel): Map<string, number> {
  const cyc = new Map<string, number>();
  let sends = 0;
  for (const r of all) {
    const rep = replayAll(r.universe, r.recording, { program: r.name, args: [r.arg], model, techniques: TECHNIQUES });
    sends += rep.run.sends;
    for (const t of rep.techniques) cyc.set(t.name, (cyc.get(t.name) ?? 0) + t.dispatchCycles);
  }
  return new Map([...cyc].map(([k, v]) => [k, v / sends]));
}

function ranking(m: Map<string, number>): string {
  return [...m].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([k]) => k).join(" < ");
}

function sweepTable(all: Recorded[], title: string, base: CycleModel, key: keyof CycleModel, values: readonly (number | string)[]): string[] {
  const lines = [`#### ${title}`, "", `| ${String(key)} | ${TECHNIQUES.map((t) => t.name).join(" | ")} | ranking (cheapest first) |`,
    `|---:|${TECHNIQUES.map(() => "---:").join("|")}|---|`];
  for (const v of values) {
    const m = meanOver(all, { ...base, [key]: v } as CycleModel);
    lines.push(`| ${v} | ${TECHNIQUES.map((t) => m.get(t.name)!.toFixed(2)).join(" | ")} | ${ranking(m)} |`);
  }
  lines.push("");
  return lines;
}

/**
 * Technique 1 against the 16-bit layout planner (host-tools/image/image16.ts,
 * loaded at run time: the lab does not depend on it): pages, selectors and
 * code-object bytes of the same images.
 */
async function against16(all: Recorded[]): Promise<string[]> {
  type Plan = { pageClass: unknown[]; selectorCount: number; codeObjectBytes: number; errors: string[] };
  type PlanFn = (m: unknown) => Plan;
  type ReadFn = (b: Uint8Array) => unknown;
  const spec = "../image/image16.js";
  const inspect = "../image/inspect.js";
  let plan: PlanFn;
  let read: ReadFn;
  try {
    plan = ((await import(spec)) as { plan16: PlanFn }).plan16;
    read = ((await import(inspect)) as { readImage: ReadFn }).readImage;
    if (typeof plan !== "function" || typeof read !== "function") throw new Error("no planner");
  } catch {
    return ["(16-bit layout planner not available)", ""];
  }
  const md = ["### Copy-down against the 16-bit layout", "",
    "Pages and selectors of technique 1 (lab) and of the 16-bit image layout planner (`plan16`, host-tools/image/image16.ts) for the same images; " +
    "code bytes with the 16-bit VM's power-of-two code-object stride.", "",
    "| image | lab pages | 16-bit pages | lab selectors | 16-bit selectors | lab code bytes (pow2 stride) | 16-bit code bytes |",
    "|---|---:|---:|---:|---:|---:|---:|"];
  for (const r of all) {
    const p = plan(read(r.image));
    const cd = r.report.techniques.find((t) => t.name === "copy-down")!;
    md.push(`| ${r.name} | ${cd.detail.pages} | ${p.pageClass.length} | ${cd.detail.selectors} | ${p.selectorCount} | ` +
      `${cd.detail.pow2StrideBytes} | ${p.codeObjectBytes}${p.errors.length > 0 ? " (does not fit 16 bits)" : ""} |`);
  }
  md.push("");
  return md;
}

export async function dispatchDocs(): Promise<{ markdown: string; json: unknown }> {
  const all = await recordAll();
  const md: string[] = [];
  md.push("### Benchmarks in the default model (mcu)", "");
  md.push(`Mean dispatch cycles per send (p90 in parentheses); sends = sends the VM dispatched (SmallInteger fast paths are not sends).`, "");
  md.push(`| benchmark | sends | ${TECHNIQUES.map((t) => t.name).join(" | ")} |`);
  md.push(`|---|---:|${TECHNIQUES.map(() => "---:").join("|")}|`);
  for (const r of all) {
    md.push(`| ${r.name} ${r.arg} | ${r.report.run.sends} | ${r.report.techniques.map((t) => `${t.meanCycles.toFixed(2)} (${t.p90})`).join(" | ")} |`);
  }
  const mean = meanOver(all, DEFAULT_MODEL);
  md.push(`| **all** | ${all.reduce((s, r) => s + r.report.run.sends, 0)} | ${TECHNIQUES.map((t) => `**${mean.get(t.name)!.toFixed(2)}**`).join(" | ")} |`, "");

  md.push("### Misses", "", `| benchmark | call sites | lookup: cache misses | ic: site misses | pic: site misses | pic: megamorphic sites |`, "|---|---:|---:|---:|---:|---:|");
  for (const r of all) {
    const t = (n: string) => r.report.techniques.find((x) => x.name === n)!;
    md.push(`| ${r.name} | ${r.report.run.callSites} | ${t("lookup").misses} | ${t("ic").misses} | ${t("pic").misses} | ${t("pic").detail.megamorphicSites} |`);
  }
  md.push("");

  md.push("### Memory: dispatch-structure bytes and fill", "");
  md.push(`| image | classes × selectors | understood | full table fill | ${TECHNIQUES.map((t) => t.name).join(" | ")} |`);
  md.push(`|---|---:|---:|---:|${TECHNIQUES.map(() => "---:").join("|")}|`);
  for (const r of all) {
    const u = r.report.universe;
    md.push(`| ${r.name} | ${u.classes} × ${u.selectors} = ${u.tableSlots} | ${u.understoodPairs} | ${pct(u.fullTableFill)} | ` +
      `${r.report.techniques.map((t) => `${kib(t.tableBytes)} (${pct(t.fillRate)})`).join(" | ")} |`);
  }
  md.push("");
  const whole = await wholeLibraryUniverse();
  md.push(`Whole library (every kernel class and every benchmark class in one image): ${whole.classes} classes ` +
    `(${whole.metaclasses} metaclasses) × ${whole.selectors} selectors = ${whole.tableSlots} slots, ` +
    `${whole.understoodPairs} understood pairs: a full table is **${pct(whole.fullTableFill)}** full; ` +
    `${whole.methods} methods, ${whole.staticSendSites} static send sites.`, "");

  md.push(...await against16(all));

  md.push("### The pipelined model (branch-target buffer, mispredict 8, loadUse 2, taken 1)", "");
  md.push(`| benchmark | ${TECHNIQUES.map((t) => t.name).join(" | ")} | mispredictions per send (copy-down) |`);
  md.push(`|---|${TECHNIQUES.map(() => "---:").join("|")}|---:|`);
  for (const r of all) {
    const rep = replayAll(r.universe, r.recording, { program: r.name, args: [r.arg], model: PIPELINED_MODEL, techniques: TECHNIQUES });
    md.push(`| ${r.name} | ${rep.techniques.map((t) => t.meanCycles.toFixed(2)).join(" | ")} | ${(rep.techniques[0].mispredicts / rep.run.sends).toFixed(3)} |`);
  }
  md.push("");

  md.push("### Sensitivity: all benchmarks' sends (mean dispatch cycles per send)", "");
  md.push(...sweepTable(all, "Load-use latency (mcu)", DEFAULT_MODEL, "loadUse", [0, 1, 2, 3, 4]));
  md.push(...sweepTable(all, "Taken-branch cost (mcu)", DEFAULT_MODEL, "taken", [0, 1, 2, 4]));
  md.push(...sweepTable(all, "Misprediction penalty (pipelined: branch-target buffer)", PIPELINED_MODEL, "mispredict", [0, 2, 4, 8, 16]));
  md.push(...sweepTable(all, "Global cache entries (mcu)", DEFAULT_MODEL, "cacheEntries", [4, 16, 64, 256, 1024]));
  md.push(...sweepTable(all, "PIC cases (mcu)", DEFAULT_MODEL, "picEntries", [1, 2, 4, 8]));
  const cached: CycleModel = { ...DEFAULT_MODEL, memCacheLineBytes: 16, memMiss: 10 };
  md.push(...sweepTable(all, "Memory cache bytes (mcu + a direct-mapped cache, 16-byte lines, 10-cycle misses; 0 = none)", cached, "memCacheBytes", [0, 256, 1024, 4096, 16384]));
  const poly = all.filter((r) => r.name === "Richards");
  md.push("### Sensitivity: Richards alone (the polymorphic benchmark)", "");
  md.push(...sweepTable(poly, "Load-use latency (mcu)", DEFAULT_MODEL, "loadUse", [0, 1, 2, 4]));
  md.push(...sweepTable(poly, "Misprediction penalty (pipelined)", PIPELINED_MODEL, "mispredict", [0, 4, 8, 16, 32]));
  md.push(...sweepTable(poly, "Global cache entries (mcu)", DEFAULT_MODEL, "cacheEntries", [4, 16, 64, 256, 1024]));
  md.push(...sweepTable(poly, "PIC cases (mcu)", DEFAULT_MODEL, "picEntries", [1, 2, 4, 8]));
  md.push(...sweepTable(poly, "Memory cache bytes (as above)", cached, "memCacheBytes", [0, 256, 1024, 4096, 16384]));
  const json = { benchmarks: all.map((r) => r.report), wholeLibrary: whole };
  return { markdown: md.join("\n") + "\n", json };
}

async function cli(): Promise<void> {
  const argv = process.argv.slice(2);
  const { markdown, json } = await dispatchDocs();
  const mdAt = argv.indexOf("--md");
  const jsonAt = argv.indexOf("--json");
  if (mdAt >= 0) writeFileSync(argv[mdAt + 1], markdown);
  else process.stdout.write(markdown);
  if (jsonAt >= 0) writeFileSync(argv[jsonAt + 1], JSON.stringify(json, null, 2) + "\n");
}

if (process.argv[1] !== undefined && process.argv[1].endsWith("sim/docs.js")) {
  cli().catch((e: unknown) => {
    process.stderr.write(`dispatch docs: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
