// In-process runner for the `talc` CLI: collects stdout and stderr as bytes
// (and their interleaving) from main(argv, io).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../../host-tools/cli.js";

export interface TalcResult {
  status: number;
  stdout: string;
  stderr: string;
  /** Both streams in write order: runs of consecutive writes to one stream, tagged "1:" or "2:". */
  order: string[];
}

function bytes(b: Uint8Array | string): Buffer {
  return typeof b === "string" ? Buffer.from(b, "utf8") : Buffer.from(b);
}

export async function talc(argv: string[], cwd: string = process.cwd()): Promise<TalcResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const order: string[] = [];
  const tag = (fd: string, x: Buffer): void => {
    const last = order.length - 1;
    if (last >= 0 && order[last].startsWith(fd)) order[last] += x.toString("utf8");
    else order.push(fd + x.toString("utf8"));
  };
  const status = await main(argv, {
    stdout: (b) => { const x = bytes(b); out.push(x); tag("1:", x); },
    stderr: (b) => { const x = bytes(b); err.push(x); tag("2:", x); },
    cwd,
  });
  return { status, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), order };
}

/** A fresh temporary folder with the given files (path → text); call cleanup() after. */
export function tempDir(files: Record<string, string | Uint8Array> = {}): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "talc-cli-"));
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}
