// The device module the simulated board runs: build/talc.wasm once it
// carries the device engine (vm-as/index.ts re-exports vm-as/device), else
// build/talc-device.wasm, built from vm-as/device/entry.ts with asc when it
// is missing or older than its sources.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../classpath.js";

const REQUIRED = ["dev_init", "dev_feed", "dev_setBoot", "dev_buffer", "flash_setup", "flash_boot"];

function hasEngine(mod: WebAssembly.Module): boolean {
  const names = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
  return REQUIRED.every((n) => names.has(n));
}

function newestSource(root: string): number {
  let t = 0;
  for (const dir of ["vm-as/device", "vm-as/flash"]) {
    const d = join(root, dir);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) if (f.endsWith(".ts") || f.endsWith(".json")) t = Math.max(t, statSync(join(d, f)).mtimeMs);
  }
  for (const f of ["vm-as/layout.ts"]) if (existsSync(join(root, f))) t = Math.max(t, statSync(join(root, f)).mtimeMs);
  return t;
}

/** Build the stand-alone device module into `out` (asc, release).  Written
 *  to a private file first and renamed, so processes building at the same
 *  time never read a half-written module. */
export function buildDeviceWasm(out: string): void {
  const root = packageRoot();
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(process.execPath, [
      join(root, "node_modules/assemblyscript/bin/asc.js"), "vm-as/device/entry.ts",
      "--config", "vm-as/device/asconfig.json", "--target", "release", "-o", tmp,
    ], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`cannot build the device module: ${err.stderr?.toString().trim() || err.message}`);
  }
}

let cached: WebAssembly.Module | null = null;

export function deviceModule(): WebAssembly.Module {
  if (cached) return cached;
  const root = packageRoot();
  const main = join(root, "build", "talc.wasm");
  if (existsSync(main)) {
    const m = new WebAssembly.Module(readFileSync(main));
    if (hasEngine(m)) return (cached = m);
  }
  const own = join(root, "build", "talc-device.wasm");
  if (!existsSync(own) || statSync(own).mtimeMs < newestSource(root)) {
    mkdirSync(join(root, "build"), { recursive: true });
    buildDeviceWasm(own);
  }
  const m = new WebAssembly.Module(readFileSync(own));
  if (!hasEngine(m)) throw new Error(`${own} lacks the device engine exports`);
  return (cached = m);
}
