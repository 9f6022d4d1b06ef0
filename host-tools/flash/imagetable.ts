// The numbers table of docs/IMAGE-FORMAT.md ("Numbers"): kernel + Hello and
// every benchmark (host-tools/bench/programs.ts), each built with the current
// `talc build` defaults in 32- and 16-bit mode, packed for the simulated board
// of that word size (sim / sim16), then: raw bytes, packed bytes (.tfi with its
// header), `gzip -9 -n` bytes, packed / gzip -9, decoder RAM (static bound +
// the expanded image) and the device's verify + expand time (flash_boot, best
// of 10).  Prints a markdown table.
//
//   npm run build && node dist/host-tools/flash/imagetable.js
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../classpath.js";
import { PROGRAMS } from "../bench/programs.js";
import { FL_DECODER_RAM_BYTES } from "../../vm-as/flash/layout.js";
import { loadBoard } from "./board.js";
import { FlashDevice } from "./device.js";
import { gzip9Size, packImage } from "./format.js";
import { SimFlash } from "./simflash.js";

export interface ImageRow {
  name: string;
  bits: 16 | 32;
  raw: number;
  packed: number;
  gzip9: number;
  decoderRam: number;
  verifyExpandMs: number;
}

/** Build `source` with `talc build [--bits 16]` (the CLI, as a user would) and measure it. */
export function measureImage(name: string, source: string, bits: 16 | 32, dir: string): ImageRow {
  const root = packageRoot();
  const out = join(dir, `${name}-${bits}.img`);
  execFileSync(process.execPath, [join(root, "bin", "talc.js"), "build", ...(bits === 16 ? ["--bits", "16"] : []), source, "-o", out],
    { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  const raw = new Uint8Array(readFileSync(out));
  const board = loadBoard(bits === 16 ? "sim16" : "sim");
  const packed = packImage(raw, board);
  const flash = SimFlash.erased(board.flashSize, board.sectorSize);
  FlashDevice.open(flash, board).update(packed);
  const first = FlashDevice.open(flash, board);
  first.boot();
  first.confirm(); // from now on a boot writes nothing
  let best = Infinity;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const { image } = FlashDevice.open(flash, board).boot();
    best = Math.min(best, performance.now() - t0);
    if (image.length !== raw.length) throw new Error(`${name} (${bits}-bit): booted ${image.length} bytes, built ${raw.length}`);
  }
  return { name, bits, raw: raw.length, packed: packed.length, gzip9: gzip9Size(raw).bytes, decoderRam: FL_DECODER_RAM_BYTES + raw.length, verifyExpandMs: best };
}

export function imageRows(): ImageRow[] {
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), "talc-imagetable-"));
  try {
    const sources: [string, string][] = [["Hello (kernel + hello)", join(root, "examples", "Hello.som")],
      ...PROGRAMS.map((p): [string, string] => [p.name, join(root, "examples", "bench", `${p.name}.som`)])];
    const rows: ImageRow[] = [];
    for (const [name, src] of sources) for (const bits of [32, 16] as const) rows.push(measureImage(name, src, bits, dir));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function markdown(rows: ImageRow[]): string {
  const lines = ["| image | bits | raw bytes | packed bytes | gzip -9 -n bytes | packed / gzip -9 | decoder RAM bytes | verify+expand ms |",
    "|---|---:|---:|---:|---:|---:|---:|---:|"];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${r.bits} | ${r.raw} | ${r.packed} | ${r.gzip9} | ${(r.packed / r.gzip9).toFixed(3)} | ${r.decoderRam} | ${r.verifyExpandMs.toFixed(2)} |`);
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] !== undefined && /imagetable\.js$/.test(process.argv[1])) {
  process.stdout.write(markdown(imageRows()));
}
