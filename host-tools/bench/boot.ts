// The boot suite: how long a Talc VM takes to become ready to run a program,
// (a) from source -- create the VM, compile and link every kernel class
// (bootstrap) -- and (b) from an image -- create the VM and load a snapshot
// of that bootstrapped heap, and (c) from flash -- the same image packed for
// the simulated board (host-tools/flash/boottime.ts measureBoot): the
// device's verify + expand, vm_loadImage, start + first bytecode (what a
// device does at reset).  Best of N runs each; the image sizes are reported too.
import { TalcVM } from "../vm/vmhost.js";
import { measureBoot, type BootTiming } from "../flash/boottime.js";
import { kernelDir } from "../classpath.js";
import { selected, type Suite, type SuiteContext, type SuiteResult } from "./suite.js";
import { fmt, markdownTable, textTable, type Align } from "./table.js";

interface BootRow {
  what: string;
  bestMs: number | null;
  runs: number[];
}

const quiet = (): void => { /* the kernel prints nothing while booting */ };

async function timeBest(n: number, f: () => Promise<void>): Promise<number[]> {
  const runs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    runs.push(performance.now() - t0);
  }
  return runs;
}

export const bootSuite: Suite = {
  name: "boot",
  title: "Talc start-up: bootstrap from source vs. loading an image",
  async run(ctx: SuiteContext): Promise<SuiteResult | null> {
    if (!selected(ctx.options, "boot")) return null;
    const classPath = [kernelDir()];
    const heapBytes = ctx.options.heapBytes;
    const problems: string[] = [];
    const rows: BootRow[] = [];
    let image: Uint8Array | null = null;
    let flash: BootTiming | null = null;
    const flashRepeat = Math.max(10, ctx.options.repeat);
    try {
      const src = await timeBest(ctx.options.repeat, async () => {
        const vm = await TalcVM.create({ classPath, heapBytes, stdout: quiet, stderr: quiet });
        vm.bootstrap();
        image = vm.snapshot();
      });
      rows.push({ what: "create VM + bootstrap from source (compile and link the kernel)", bestMs: Math.min(...src), runs: src });
      const img = image as Uint8Array | null;
      if (img !== null) {
        const load = await timeBest(ctx.options.repeat, async () => {
          const vm = await TalcVM.create({ classPath, heapBytes, stdout: quiet, stderr: quiet });
          vm.loadImage(img);
        });
        rows.push({ what: "create VM + load the snapshot image of that kernel", bestMs: Math.min(...load), runs: load });
        // a few ms per boot: at least 10 runs, so JIT warm-up does not decide the best
        flash = await measureBoot(img, { repeat: flashRepeat, heapBytes });
        rows.push({
          what: "boot from flash (board sim): verify + expand the packed image, load, first bytecode",
          bestMs: flash.totalMs,
          runs: [flash.verifyExpandMs, flash.loadImageMs, flash.firstBytecodeMs],
        });
      }
    } catch (e) {
      problems.push(`boot failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const imageBytes = (image as Uint8Array | null)?.length ?? null;
    const header = ["Step", "Best ms"];
    const align: Align[] = ["l", "r"];
    const table = [header, ...rows.map((r) => [r.what, fmt(r.bestMs, 1)])];
    const fb = flash as BootTiming | null;
    const sizeLine = `Kernel image: ${imageBytes === null ? "-" : `${imageBytes} bytes`} (heap ${heapBytes >> 20} MiB).` +
      (fb === null ? "" : ` Packed for flash: ${fb.packedBytes} bytes; boot from flash = verify + expand ` +
        `${fmt(fb.verifyExpandMs, 2)} ms (${fmt(fb.expandMBps, 0)} MB/s) + load ${fmt(fb.loadImageMs, 2)} ms + first bytecode ` +
        `${fmt(fb.firstBytecodeMs, 2)} ms, each best of ${flashRepeat}.`);
    let text = textTable(table, align) + sizeLine + "\n";
    let markdown = markdownTable(table, align) + "\n" + sizeLine + "\n";
    if (problems.length > 0) {
      text += "\nPROBLEMS:\n" + problems.map((p) => "  " + p).join("\n") + "\n";
      markdown += "\nProblems in this run:\n\n" + problems.map((p) => "- " + p).join("\n") + "\n";
    }
    for (const p of problems) ctx.log(`!!! boot: ${p}`);
    return { ok: problems.length === 0, text, markdown, json: { imageBytes, rows, flash: fb } };
  },
};
