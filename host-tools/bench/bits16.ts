// The memory suite: every benchmark program in 32-bit and 16-bit object
// memory side by side -- time, sends/s, image bytes, heap bytes, code-object
// bytes.
//
// 32-bit: one timed run per program (runTalc, same argument as the speed
// suite), the image `talc build` would write, and the heap in use after the
// run.  16-bit: the image `talc build --bits 16` writes and its layout
// (host-tools/image/image16.ts): heap + object table + page table when
// loaded, and the copy-down code objects, reported apart from the heap.
// The interpreter does not run 16-bit images yet (docs/16-BIT.md, Status):
// the 16-bit time and sends/s columns say so instead of showing a number.
import { join } from "node:path";
import { buildImage } from "../image/builder.js";
import { kernelDir } from "../classpath.js";
import { readImage } from "../image/inspect.js";
import { plan16, write16 } from "../image/image16.js";
import { PROGRAMS } from "./programs.js";
import { runTalc } from "./talc.js";
import { selected, type Suite, type SuiteContext, type SuiteResult } from "./suite.js";
import { fmt, markdownTable, textTable, type Align } from "./table.js";

interface MemoryRow {
  name: string;
  ms32: number | null;
  sendsPerSec32: number | null;
  image32: number | null;
  heap32: number | null;
  image16: number | null;
  heap16: number | null;
  code16: number | null;
  fill16: number | null;
  problem?: string;
}

const NOT_RUN = "not run";

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
      const row: MemoryRow = { name: p.name, ms32: null, sendsPerSec32: null, image32: null, heap32: null, image16: null, heap16: null, code16: null, fill16: null };
      try {
        const img32 = await buildImage({ classPath, main: p.name, heapBytes: ctx.options.heapBytes, stderr: () => { /* compile errors show in the speed suite */ } });
        row.image32 = img32.length;
        const m = readImage(img32);
        const plan = plan16(m);
        if (plan.errors.length > 0) row.problem = `16-bit: ${plan.errors.join("; ")}`;
        else {
          const img16 = write16(m, plan);
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
          row.heap32 = m.header.heapUsed;
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
      fmt(r.image32, 0), fmt(r.heap32, 0), NOT_RUN, NOT_RUN,
      fmt(r.image16, 0), fmt(r.heap16, 0), fmt(r.code16, 0), r.fill16 === null ? "-" : (100 * r.fill16).toFixed(1) + "%",
    ];
    const table = [header, ...rows.map(cells)];
    const problems = rows.filter((r) => r.problem !== undefined).map((r) => `${r.name}: ${r.problem}`);
    const note = "32-bit heap = the image's heap; 16-bit heap = objects + object table + page table of the loaded image; " +
      "code objects (copy-down, one per page) are counted apart. 16-bit time and sends/s: the interpreter does not run " +
      "16-bit images yet (docs/16-BIT.md, Status).";
    return {
      ok: problems.length === 0,
      text: textTable(table, align) + note + "\n" + problems.map((p) => `PROBLEM ${p}\n`).join(""),
      markdown: markdownTable(table, align) + "\n" + note + "\n" + problems.map((p) => `\n- ${p}`).join(""),
      json: { rows },
    };
  },
};
