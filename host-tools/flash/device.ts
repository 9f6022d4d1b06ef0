// The device's flash code (vm-as/flash, built as build/talc-flash.wasm) run
// against a SimFlash: host tools write and boot exactly as a board does.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { packageRoot } from "../classpath.js";
import { BS_TRIAL, NO_SLOT } from "../../vm-as/flash/layout.js";
import type { Board } from "./board.js";
import { FlashFault, SimFlash } from "./simflash.js";

interface FlashExports {
  memory: WebAssembly.Memory;
  flash_setup(id: number, size: number, sector: number, boot: number, s0: number, s1: number, slotSize: number, attempts: number): number;
  flash_setWordBits(bits: number): number;
  flash_boot(out: number, cap: number): number;
  flash_bootedSlot(): number;
  flash_confirm(): number;
  flash_reject(): number;
  flash_beginUpdate(total: number): number;
  flash_writeChunk(ptr: number, len: number): number;
  flash_commitUpdate(): number;
  flash_snapshot(ptr: number, len: number): number;
  flash_verifySlot(slot: number, out: number, cap: number): number;
  flash_scan(): number;
  flash_recordSeq(): number;
  flash_recordActive(): number;
  flash_recordState(): number;
  flash_recordAttempts(): number;
  flash_recordFallback(): number;
  flash_errorText(): number;
  flash_errorTextLength(): number;
  flash_decoderRamBytes(): number;
  flash_writerRamBytes(): number;
  flash_buffer(len: number): number;
}

/** A refusal by the device code: `code` is FE_*, the message is the device's text. */
export class DeviceError extends Error {
  constructor(readonly code: number, message: string) { super(message); }
}

let cachedModule: WebAssembly.Module | null = null;

export function flashWasmPath(): string {
  return join(packageRoot(), "build", "talc-flash.wasm");
}

function newestSource(root: string): number {
  let t = statSync(join(root, "vm-as", "layout.ts")).mtimeMs;
  const dir = join(root, "vm-as", "flash");
  for (const f of readdirSync(dir)) if (f.endsWith(".ts") || f.endsWith(".json")) t = Math.max(t, statSync(join(dir, f)).mtimeMs);
  return t;
}

/**
 * Build build/talc-flash.wasm (vm-as/flash/standalone.ts) when it is missing
 * or older than its sources.  Written to a temporary name and renamed, so
 * concurrent builders (parallel test files) never read a partial file.
 */
export function ensureFlashWasm(): string {
  const root = packageRoot();
  const out = flashWasmPath();
  const srcDir = join(root, "vm-as", "flash");
  if (existsSync(out) && (!existsSync(srcDir) || statSync(out).mtimeMs >= newestSource(root))) return out;
  const asc = join(root, "node_modules", "assemblyscript", "bin", "asc.js");
  if (!existsSync(asc)) {
    if (existsSync(out)) return out;
    throw new Error(`${out} is missing and AssemblyScript is not installed to build it`);
  }
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(process.execPath, [asc, "--config", "vm-as/flash/asconfig.json", "--target", "release", "-o", tmp],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    renameSync(tmp, out);
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`cannot build ${out}: ${err.stderr?.toString().trim() || err.message}`);
  } finally {
    rmSync(tmp, { force: true });
  }
  return out;
}

function flashModule(): WebAssembly.Module {
  if (cachedModule === null) cachedModule = new WebAssembly.Module(readFileSync(ensureFlashWasm()));
  return cachedModule;
}

/**
 * The imports of module "talc" that give AssemblyScript flash code access to
 * a SimFlash.  `memory()` answers the instance's memory (for talc.wasm: its
 * exported memory).  Faults other than a power cut answer -1 to the device.
 */
export function flashImports(flash: SimFlash, memory: () => WebAssembly.Memory): Record<string, (...a: number[]) => number> {
  const mem = (): Uint8Array => new Uint8Array(memory().buffer);
  const guard = (f: () => void): number => {
    try { f(); return 0; } catch (e) {
      if (e instanceof FlashFault) return -1;
      throw e;
    }
  };
  return {
    flash_read: (off, ptr, len) => guard(() => { mem().set(flash.read(off >>> 0, len >>> 0), ptr >>> 0); }),
    flash_erase: (off) => guard(() => flash.erase(off >>> 0)),
    flash_program: (off, ptr, len) => guard(() => flash.program(off >>> 0, mem().slice(ptr >>> 0, (ptr >>> 0) + (len >>> 0)))),
  };
}

/** The arguments of flash_setup for a board. */
export function flashSetupArgs(b: Board): [number, number, number, number, number, number, number, number] {
  return [b.id, b.flashSize, b.sectorSize, b.bootOffset, b.slots[0].offset, b.slots[1].offset, b.slots[0].size, b.maxBootAttempts];
}

export interface BootRecordState {
  found: boolean;
  seq: number;
  active: number;
  state: "confirmed" | "trial";
  attempts: number;
  fallback: number | null;
}

/** One power-on of the device's flash code: a fresh instance per boot. */
export class FlashDevice {
  private constructor(private readonly x: FlashExports, readonly flash: SimFlash, readonly board: Board) {}

  static open(flash: SimFlash, board: Board): FlashDevice {
    let ex: FlashExports | null = null;
    const inst = new WebAssembly.Instance(flashModule(), { talc: flashImports(flash, () => ex!.memory) });
    ex = inst.exports as unknown as FlashExports;
    const d = new FlashDevice(ex, flash, board);
    d.check(ex.flash_setup(...flashSetupArgs(board)));
    // the board's VM build: images of another word size are refused (FE_WORD_BITS)
    d.check(ex.flash_setWordBits(board.wordBits));
    return d;
  }

  errorText(): string {
    const p = this.x.flash_errorText() >>> 0;
    const n = this.x.flash_errorTextLength() >>> 0;
    return new TextDecoder().decode(new Uint8Array(this.x.memory.buffer, p, n));
  }

  private check(r: number): number {
    if (r < 0) throw new DeviceError(r, this.errorText());
    return r;
  }

  private buffer(len: number): number {
    const p = this.x.flash_buffer(len) >>> 0;
    if (p === 0) throw new Error(`cannot get ${len} bytes of device memory`);
    return p;
  }

  /** Boot: answers the expanded VM image and the slot it came from. Throws DeviceError. */
  /** `refused` names why another slot was passed over ("" when none was). */
  boot(room = this.board.ramSize): { image: Uint8Array; slot: number; refused: string } {
    const p = this.buffer(room);
    const n = this.check(this.x.flash_boot(p, room));
    return { image: new Uint8Array(this.x.memory.buffer, p, n).slice(), slot: this.x.flash_bootedSlot(), refused: this.errorText() };
  }

  confirm(): void { this.check(this.x.flash_confirm()); }

  /** The VM refused the booted image: answers the slot that boots next. */
  reject(): number { return this.check(this.x.flash_reject()); }

  /** Write a flash image (.tfi bytes) with the update protocol; answers the target slot. */
  update(img: Uint8Array, chunk = 4096): number {
    this.check(this.x.flash_beginUpdate(img.length));
    const p = this.buffer(chunk);
    for (let off = 0; off < img.length; off += chunk) {
      const part = img.subarray(off, Math.min(img.length, off + chunk));
      new Uint8Array(this.x.memory.buffer).set(part, p);
      this.check(this.x.flash_writeChunk(p, part.length));
    }
    return this.check(this.x.flash_commitUpdate());
  }

  /** What a running VM's snapshot primitive does with its plain image. */
  snapshot(raw: Uint8Array): number {
    const p = this.buffer(raw.length);
    new Uint8Array(this.x.memory.buffer).set(raw, p);
    return this.check(this.x.flash_snapshot(p, raw.length));
  }

  /** Full verification of one slot; answers the expanded image. Throws DeviceError. */
  verifySlot(slot: number, room = this.board.ramSize): Uint8Array {
    const p = this.buffer(room);
    const n = this.check(this.x.flash_verifySlot(slot, p, room));
    return new Uint8Array(this.x.memory.buffer, p, n).slice();
  }

  record(): BootRecordState {
    const found = this.check(this.x.flash_scan()) === 1;
    const fb = this.x.flash_recordFallback();
    return {
      found,
      seq: this.x.flash_recordSeq() >>> 0,
      active: this.x.flash_recordActive(),
      state: this.x.flash_recordState() === BS_TRIAL ? "trial" : "confirmed",
      attempts: this.x.flash_recordAttempts(),
      fallback: fb === NO_SLOT ? null : fb,
    };
  }

  decoderRamBytes(): number { return this.x.flash_decoderRamBytes(); }
  writerRamBytes(): number { return this.x.flash_writerRamBytes(); }
}

