// The memory suite: every benchmark program in 32-bit and 16-bit object
// memory side by side -- time, sends/s, image bytes, heap bytes, code-object
// bytes.
//
// 32-bit: one timed run per program (runTalc, same argument as the speed
// suite), the image `talc build` would write, and the heap in use after the
// run.  16-bit: the image `talc build --bits 16` writes and its layout
// (host-tools/image/image16.ts): heap + object table + page table when
// loaded, and the copy-down code objects, reported apart from the heap.
// 16-bit runs: the same program and argument on build/talc16.wasm from that
// image (one timed run, like the 32-bit column); its output must equal the
// 32-bit run's, else the row is a PROBLEM.
import { join } from "node:path";
import { buildImage } from "../image/builder.js";
import { kernelDir } from "../classpath.js";
import { readImage } from "../image/inspect.js";
import { plan16, write16 } from "../image/image16.js";
import { PROGRAMS } from "./programs.js";
import { runTalc } from "./talc.js";
import { TalcVM } from "../vm/vmhost.js";
import { selected, type Suite, type SuiteContext, type SuiteResult } from "./suite.js";
import { fmt, markdownTable, textTable, type Align } from "./table.js";

interface MemoryRow {
  name: string;
  ms32: number | null;
  sendsPerSec32: number | null;
  ms16: number | null;
  sendsPerSec16: number | null;
  heapUsed16: number | null;
  image32: number | null;
  heap32: number | null;
  image16: number | null;
  heap16: number | null;
  code16: number | null;
  fill16: number | null;
  problem?: string;
}

/**
 * Benchmarks whose printed checksum observes a dialect difference of
 * docs/16-BIT.md, so the 16-bit line differs from the 32-bit one by design.
 */
const DIALECT: Record<string, string> = {
  StringBuild: "counts String = Symbol matches: false in 16-bit memory, where a Symbol is a SmallInteger",
};

/** Heap of the 16-bit runs (objects only; the object and page tables come on top). */
const HEAP16_BYTES = 4 * 1024 * 1024;

/** One timed run of a 16-bit image; never throws. */
async function run16(image: Uint8Array, main: string, args: string[], classPath: string[]): Promise<{ ms: number; sends: number; stdout: string; status: number; heapUsed: number; error?: string }> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  try {
    const vm = await TalcVM.create({ classPath, heapBytes: HEAP16_BYTES, stackBytes: 56 * 1024, wasmFile: "talc16.wasm",
      stdout: (b) => out.push(b.slice()), stderr: (b) => err.push(b.slice()) });
    vm.loadImage(image);
    const s0 = vm.statSends;
    const t0 = performance.now();
    vm.start([main, ...args]);
    const status = await vm.runToEnd();
    const ms = performance.now() - t0;
    return { ms, sends: vm.statSends - s0, stdout: Buffer.concat(out).toString("utf8"), status, heapUsed: vm.heapUsed,
      error: status === 0 ? undefined : Buffer.concat(err).toString("utf8").trim() };
  } catch (e) {
    return { ms: 0, sends: 0, stdout: "", status: -1, heapUsed: 0, error: e instanceof Error ? e.message : String(e) };
  }
}

export const memorySuite: Suite = {
  name: "memory",
  title: "32-bit vs 16-bit object memory: time, sends/s, image, heap and code-object bytes",
  async run(ctx: SuiteContext): Promise<SuiteResult | null> {
    if (!selected(ctx.options, "memory")) return null;
    const programs = PROGRAMS;
    const bench = join(ctx.root, "examples", "bench");
    const classPath = [bench, kernelDir()];
    const rows: MemoryRow[] = [];
    for (const p of programs) {
      ctx.log(`memory: ${p.name}`);
      const row: MemoryRow = { name: p.name, ms32: null, sendsPerSec32: null, ms16: null, sendsPerSec16: null, heapUsed16: null, image32: null, heap32: null, image16: null, heap16: null, code16: null, fill16: null };
      try {
        const img32 = await buildImage({ classPath, main: p.name, heapBytes: ctx.options.heapBytes, stderr: () => { /* compile errors show in the speed suite */ } });
        row.image32 = img32.length;
        // the 16-bit image is built as 'talc build --bits 16' builds it: a 16-bit VM cannot link later
        const m = readImage(await buildImage({ classPath, main: p.name, heapBytes: ctx.options.heapBytes, stderr: () => { /* as above */ },
          linkNamedClasses: true, linkKernelClosure: true }));
        const plan = plan16(m);
        let img16bytes: Uint8Array | null = null;
        if (plan.errors.length > 0) row.problem = `16-bit: ${plan.errors.join("; ")}`;
        else {
          const img16 = write16(m, plan);
          img16bytes = img16.bytes;
          row.image16 = img16.bytes.length;
          row.heap16 = img16.heapBytes + plan.objectTableBytes + plan.pageTableBytes;
          row.code16 = plan.codeObjectBytes;
          row.fill16 = plan.fillRate;
        }
        const r = await runTalc(p.name, [String(p.arg)], classPath, ctx.options.heapBytes);
        if (r.status !== 0 || r.error !== undefined) row.problem = `32-bit run failed: ${r.error ?? r.stderr.trim()}`;
        else {
          row.ms32 = r.ms;
          row.sendsPerSec32 = r.ms > 0 ? r.sends / (r.ms / 1000) : null;
          row.heap32 = img32.length - 32;
        }
        if (img16bytes !== null) {
          const r16 = await run16(img16bytes, p.name, [String(p.arg)], classPath);
          if (r16.error !== undefined) row.problem = `16-bit run failed: ${r16.error}`;
          else if (r16.stdout !== r.stdout && DIALECT[p.name] === undefined) row.problem = `16-bit output ${JSON.stringify(r16.stdout.trim())} differs from 32-bit ${JSON.stringify(r.stdout.trim())}`;
          else {
            row.ms16 = r16.ms;
            row.sendsPerSec16 = r16.ms > 0 ? r16.sends / (r16.ms / 1000) : null;
            row.heapUsed16 = r16.heapUsed;
          }
        }
      } catch (e) {
        row.problem = e instanceof Error ? e.message : String(e);
      }
      rows.push(row);
    }
    const header = ["Program", "32-bit ms", "32-bit Msends/s", "32-bit image", "32-bit heap", "16-bit ms", "16-bit Msends/s",
      "16-bit image", "16-bit heap+tables", "16-bit code objects", "fill"];
    const align: Align[] = ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"];
    const cells = (r: MemoryRow): string[] => [
      r.name, fmt(r.ms32, 1), fmt(r.sendsPerSec32 === null ? null : r.sendsPerSec32 / 1e6, 1),
      fmt(r.image32, 0), fmt(r.heap32, 0), fmt(r.ms16, 1), fmt(r.sendsPerSec16 === null ? null : r.sendsPerSec16 / 1e6, 1),
      fmt(r.image16, 0), fmt(r.heap16, 0), fmt(r.code16, 0), r.fill16 === null ? "-" : (100 * r.fill16).toFixed(1) + "%",
    ];
    const table = [header, ...rows.map(cells)];
    const problems = rows.filter((r) => r.problem !== undefined).map((r) => `${r.name}: ${r.problem}`);
    const dialect = rows.filter((r) => DIALECT[r.name] !== undefined).map((r) => `${r.name}: 16-bit output differs by design (${DIALECT[r.name]})`);
    const note = "32-bit heap = the image's heap; 16-bit heap = objects + object table + page table of the loaded image; " +
      "code objects (copy-down, one per page) are counted apart. Same program and argument in both modes; outputs equal except where listed below.";
    return {
      ok: problems.length === 0,
      text: textTable(table, align) + note + "\n" + dialect.map((d) => `${d}\n`).join("") + problems.map((p) => `PROBLEM ${p}\n`).join(""),
      markdown: markdownTable(table, align) + "\n" + note + "\n" + dialect.map((d) => `\n- ${d}`).join("") + problems.map((p) => `\n- PROBLEM ${p}`).join("") + "\n",
      json: { rows },
    };
  },
};
