// The speed suite: every program of programs.ts on Talc (in-process) and on
// Lua 5.4 (subprocess), N runs each, Lua and Talc runs interleaved (so a
// change in machine load hits both alike), best time kept; outputs compared
// line by line.  A benchmark whose outputs differ (or that fails on either
// side) is reported loudly and its ratio is left out of the geometric mean.
//
// Two clocks: wall clock (the headline) and CPU time (user + system of the
// Lua process / of the Node process during the Talc run), which is less
// disturbed by other work on a busy machine.
import { join } from "node:path";
import { buildClassPath } from "../classpath.js";
import { PROGRAMS, type BenchProgram } from "./programs.js";
import { runLua } from "./lua.js";
import { runTalc, type TalcRun } from "./talc.js";
import { selected, type Suite, type SuiteContext, type SuiteResult } from "./suite.js";
import { fmt, geomean, markdownTable, textTable, type Align } from "./table.js";

export interface SpeedRow {
  name: string;
  arg: number;
  what: string;
  /** Best wall-clock / CPU times in ms (null if that side never ran cleanly). */
  talcMs: number | null;
  luaMs: number | null;
  talcCpuMs: number | null;
  luaCpuMs: number | null;
  /** All times, in run order. */
  talcRuns: number[];
  luaRuns: number[];
  talcCpuRuns: number[];
  luaCpuRuns: number[];
  /** Talc / Lua on each clock; null when invalid. */
  ratio: number | null;
  cpuRatio: number | null;
  /** Counters of the Talc run with the best wall-clock time. */
  bytecodes: number;
  sends: number;
  /** Millions of bytecodes / sends per second of CPU time in that run. */
  mbcPerS: number | null;
  msendsPerS: number | null;
  /** The output line both printed (Lua's, when they differ). */
  output: string;
  valid: boolean;
  problems: string[];
}

/** Outputs compared exactly, after dropping one trailing newline each. */
function sameOutput(a: string, b: string): boolean {
  return a.replace(/\n$/, "") === b.replace(/\n$/, "");
}

function firstLines(s: string, n: number): string {
  const lines = s.split("\n").filter((l) => l !== "");
  return lines.slice(0, n).join(" / ") + (lines.length > n ? " / ..." : "");
}

const min = (xs: number[]): number | null => (xs.length === 0 ? null : Math.min(...xs));

async function measure(p: BenchProgram, ctx: SuiteContext): Promise<SpeedRow> {
  const benchDir = join(ctx.root, "examples", "bench");
  const args = [String(p.arg)];
  const classPath = buildClassPath(undefined, join(benchDir, p.name + ".som"), ctx.root);
  const row: SpeedRow = {
    name: p.name, arg: p.arg, what: p.what,
    talcMs: null, luaMs: null, talcCpuMs: null, luaCpuMs: null,
    talcRuns: [], luaRuns: [], talcCpuRuns: [], luaCpuRuns: [],
    ratio: null, cpuRatio: null, bytecodes: 0, sends: 0, mbcPerS: null, msendsPerS: null,
    output: "", valid: true, problems: [],
  };
  let luaOut: string | null = null;
  let talcOut: string | null = null;
  let best: TalcRun | null = null;
  let luaOk = true;
  let talcOk = true;
  for (let i = 0; i < ctx.options.repeat && (luaOk || talcOk); i++) {
    if (luaOk) {
      const l = await runLua(join(benchDir, "lua", p.name + ".lua"), args, ctx.options.timeoutMs);
      if (l.error !== undefined || l.status !== 0) {
        row.problems.push(`Lua failed (status ${l.status}): ${l.error ?? firstLines(l.stderr, 3)}`);
        luaOk = false;
      } else {
        row.luaRuns.push(l.ms);
        row.luaCpuRuns.push(l.cpuMs);
        if (luaOut === null) luaOut = l.stdout;
        else if (!sameOutput(luaOut, l.stdout)) row.problems.push("Lua output differs between runs");
      }
    }
    if (talcOk) {
      const t = await runTalc(p.name, args, classPath, ctx.options.heapBytes);
      if (t.error !== undefined || t.status !== 0) {
        row.problems.push(`Talc failed (status ${t.status}): ${t.error ?? firstLines(t.stderr + t.stdout, 4)}`);
        talcOk = false;
      } else {
        row.talcRuns.push(t.ms);
        row.talcCpuRuns.push(t.cpuMs);
        if (talcOut === null) talcOut = t.stdout;
        else if (!sameOutput(talcOut, t.stdout)) row.problems.push("Talc output differs between runs");
        if (best === null || t.ms < best.ms) best = t;
      }
    }
  }
  if (luaOut !== null && talcOut !== null && !sameOutput(luaOut, talcOut)) {
    row.problems.push(`OUTPUT MISMATCH: Talc printed ${JSON.stringify(talcOut)}, Lua printed ${JSON.stringify(luaOut)}`);
  }
  row.output = (luaOut ?? talcOut ?? "").replace(/\n$/, "");
  row.luaMs = min(row.luaRuns);
  row.luaCpuMs = min(row.luaCpuRuns);
  row.talcMs = min(row.talcRuns);
  row.talcCpuMs = min(row.talcCpuRuns);
  if (best !== null) {
    row.bytecodes = best.bytecodes;
    row.sends = best.sends;
    const t = best.cpuMs > 0 ? best.cpuMs : best.ms;
    if (t > 0) {
      row.mbcPerS = best.bytecodes / t / 1000;
      row.msendsPerS = best.sends / t / 1000;
    }
  }
  row.valid = row.problems.length === 0 && row.talcMs !== null && row.luaMs !== null;
  if (row.valid) {
    row.ratio = (row.talcMs as number) / (row.luaMs as number);
    if (row.talcCpuMs !== null && row.luaCpuMs !== null && row.luaCpuMs > 0) row.cpuRatio = row.talcCpuMs / row.luaCpuMs;
  }
  return row;
}

const HEADER = [
  "Benchmark", "Arg", "Talc ms", "Lua ms", "Talc/Lua",
  "Talc CPU ms", "Lua CPU ms", "CPU Talc/Lua", "Mbytecodes/s", "Msends/s", "Output",
];
const ALIGN: Align[] = ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "l"];

function cells(r: SpeedRow): string[] {
  return [
    r.name, String(r.arg), fmt(r.talcMs, 0), fmt(r.luaMs, 0), r.valid ? fmt(r.ratio, 2) : "INVALID",
    fmt(r.talcCpuMs, 0), fmt(r.luaCpuMs, 0), r.valid ? fmt(r.cpuRatio, 2) : "INVALID",
    fmt(r.mbcPerS, 1), fmt(r.msendsPerS, 1), r.valid ? "same" : "MISMATCH/FAIL",
  ];
}

export const speedSuite: Suite = {
  name: "speed",
  title: "Talc vs Lua 5.4: time of the same programs",
  async run(ctx: SuiteContext): Promise<SuiteResult | null> {
    const rows: SpeedRow[] = [];
    const all = selected(ctx.options, "speed");
    for (const p of PROGRAMS) {
      if (!all && !selected(ctx.options, p.name)) continue;
      ctx.log(`speed: ${p.name} ${p.arg} ...`);
      const r = await measure(p, ctx);
      for (const pr of r.problems) ctx.log(`!!! ${p.name}: ${pr}`);
      ctx.log(
        `speed: ${p.name}: Talc ${fmt(r.talcMs, 0)} ms, Lua ${fmt(r.luaMs, 0)} ms, ` +
          `ratio ${r.valid ? fmt(r.ratio, 2) : "INVALID"} (CPU ${r.valid ? fmt(r.cpuRatio, 2) : "INVALID"})`,
      );
      rows.push(r);
    }
    if (rows.length === 0) return null;
    const valid = rows.filter((r) => r.valid);
    const gm = geomean(valid.map((r) => r.ratio as number));
    const gmCpu = geomean(valid.filter((r) => r.cpuRatio !== null).map((r) => r.cpuRatio as number));
    const table = [HEADER, ...rows.map(cells)];
    const gmLine =
      `Geometric mean of Talc/Lua over ${valid.length} valid benchmark(s): ` +
      `${fmt(gm, 2)} (wall clock), ${fmt(gmCpu, 2)} (CPU time)`;
    const problems = rows.flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`));
    let text = textTable(table, ALIGN) + gmLine + "\n";
    let markdown = markdownTable(table, ALIGN) + "\n**" + gmLine + "**\n";
    if (problems.length > 0) {
      text += "\nPROBLEMS:\n" + problems.map((p) => "  " + p).join("\n") + "\n";
      markdown += "\nProblems in this run:\n\n" + problems.map((p) => "- " + p).join("\n") + "\n";
    }
    return { ok: problems.length === 0, text, markdown, json: { geomean: gm, geomeanCpu: gmCpu, rows } };
  },
};
