// Flash throughput on the simulated board over a real pty, paced at the
// line rate: the figure `npm run bench` reports for the device protocol.
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
