// Flash throughput on the simulated board over a real pty, paced at the
// line rate: the figure `npm run bench` reports for the device protocol
// (flashSuite, listed in host-tools/bench/suites.ts).
//
//   fraction of line rate = WRITE payload bytes/s ÷ (baud / 10)
//   effective image rate  = expanded (VM image) bytes ÷ seconds of the flash
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBoard } from "../flash/board.js";
import { packImage } from "../flash/format.js";
import { DeviceClient } from "./client.js";
import { flashImage } from "./flasher.js";
import { SerialTransport } from "./serialtransport.js";
import { SimBoard } from "./simboard.js";
import { SimPty } from "./simpty.js";
import { deviceModule } from "./devicewasm.js";
import { buildImage } from "../image/builder.js";
import { buildClassPath } from "../classpath.js";
import { selected, type Suite, type SuiteContext, type SuiteResult } from "../bench/suite.js";
import { fmt, markdownTable, textTable, type Align } from "../bench/table.js";

export interface SerialBenchResult {
  baud: number;
  lineBytesPerSec: number;
  rawImageBytes: number;
  packedImageBytes: number;
  writeSeconds: number;
  totalSeconds: number;
  payloadBytesPerSec: number;
  fractionOfLine: number;
  /** Expanded image bytes per second of writing (what compression buys). */
  effectiveImageBytesPerSec: number;
  /** Expanded image bytes per second of the whole flash (check, write, verify, switch, reboot). */
  effectiveImageBytesPerSecTotal: number;
}

/** Flash `rawImage` (a plain VM image) once onto a fresh simulated board at `baud`. */
export async function serialBench(rawImage: Uint8Array, baud = 115200): Promise<SerialBenchResult> {
  const board = loadBoard("sim");
  const packed = packImage(rawImage, board);
  const dir = mkdtempSync(join(tmpdir(), "talc-bench-serial-"));
  const sim = new SimBoard({ board, flashPath: join(dir, "flash.bin"), device: deviceModule(), baud, vm: null });
  const pty = new SimPty(sim, join(dir, "tty"));
  try {
    sim.powerOn();
    await pty.start();
    const client = new DeviceClient(await SerialTransport.open(join(dir, "tty"), baud), { baud });
    try {
      const r = await flashImage(client, packed);
      const line = baud / 10;
      const rate = r.bytesWritten / r.writeSeconds;
      return {
        baud, lineBytesPerSec: line, rawImageBytes: rawImage.length, packedImageBytes: packed.length,
        writeSeconds: r.writeSeconds, totalSeconds: r.totalSeconds, payloadBytesPerSec: rate,
        fractionOfLine: rate / line,
        effectiveImageBytesPerSec: rawImage.length / r.writeSeconds,
        effectiveImageBytesPerSecTotal: rawImage.length / r.totalSeconds,
      };
    } finally {
      await client.close();
    }
  } finally {
    await pty.stop();
    sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatSerialBench(r: SerialBenchResult): string {
  return [
    `flash over serial (simulated board, real pty, ${r.baud} baud = ${r.lineBytesPerSec} bytes/s):`,
    `  image ${r.rawImageBytes} bytes, packed ${r.packedImageBytes} bytes (${(r.rawImageBytes / r.packedImageBytes).toFixed(2)}x)`,
    `  write ${r.writeSeconds.toFixed(2)} s: ${Math.round(r.payloadBytesPerSec)} payload bytes/s = ${(100 * r.fractionOfLine).toFixed(1)}% of the line rate (target >= 90%)`,
    `  effective ${Math.round(r.effectiveImageBytesPerSec)} image bytes/s while writing, ${Math.round(r.effectiveImageBytesPerSecTotal)} image bytes/s for the whole flash (${r.totalSeconds.toFixed(2)} s incl. check, verify, switch, reboot)`,
  ].join("\n") + "\n";
}

// ---- the `flash` suite of npm run bench (host-tools/bench/suites.ts lists it) ----

const FLASH_PROGRAMS = ["Hello", "Demo"];

export const flashSuite: Suite = {
  name: "flash",
  title: "Flash over serial at 115200 baud (simulated board, real pty): share of the line rate, effective image bytes/s",
  async run(ctx: SuiteContext): Promise<SuiteResult | null> {
    if (!selected(ctx.options, "flash")) return null;
    const rows: { program: string; r: SerialBenchResult }[] = [];
    const problems: string[] = [];
    for (const program of FLASH_PROGRAMS) {
      try {
        const file = join(ctx.root, "examples", `${program}.som`);
        const raw = await buildImage({ classPath: buildClassPath(undefined, file, ctx.root), main: program, heapBytes: ctx.options.heapBytes });
        ctx.log(`flash: ${program} (${raw.length} bytes) at 115200 baud...`);
        const r = await serialBench(raw, 115200);
        rows.push({ program, r });
        if (r.fractionOfLine < 0.9) problems.push(`${program}: ${(100 * r.fractionOfLine).toFixed(1)}% of the line rate, below the 90% target`);
      } catch (e) {
        problems.push(`${program}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const header = ["Image", "VM image bytes", "Packed bytes", "Write s", "Payload B/s", "% of 11 520 B/s", "Image B/s (writing)", "Image B/s (whole flash)"];
    const align: Align[] = ["l", "r", "r", "r", "r", "r", "r", "r"];
    const table = [header, ...rows.map(({ program, r }) => [
      `kernel + ${program}`, String(r.rawImageBytes), String(r.packedImageBytes), fmt(r.writeSeconds, 2),
      fmt(r.payloadBytesPerSec, 0), fmt(100 * r.fractionOfLine, 1), fmt(r.effectiveImageBytesPerSec, 0), fmt(r.effectiveImageBytesPerSecTotal, 0),
    ])];
    const note = "Target: >= 90% of the line rate.  The whole flash includes HELLO, checksums, erase, SHA-256 verify, switch and reboot.";
    let text = textTable(table, align) + note + "\n";
    let markdown = markdownTable(table, align) + "\n" + note + "\n";
    if (problems.length > 0) {
      text += "\nPROBLEMS:\n" + problems.map((p) => "  " + p).join("\n") + "\n";
      markdown += "\nProblems in this run:\n\n" + problems.map((p) => "- " + p).join("\n") + "\n";
    }
    for (const p of problems) ctx.log(`!!! flash: ${p}`);
    return { ok: problems.length === 0, text, markdown, json: rows.map(({ program, r }) => ({ program, ...r })) };
  },
};
