// The simulated board: the device module (protocol engine + vm-as/flash,
// AssemblyScript) on a flash file, a VM running the booted image, and a UART
// paced at the board's baud rate.  The pseudo-terminal around it lives in
// ./simpty.ts.
//
// A reset (RESET request, or reset() for fault injection) throws away the
// device instance, the VM and every byte in flight, like a real board; only
// the flash file survives.
import { existsSync, writeFileSync } from "node:fs";
import { FI_VERSION, BS_TRIAL } from "../../vm-as/flash/layout.js";
import {
  RESET_RUN, RESET_HOLD, DS_HOLD, DS_RUNNING, DS_EXITED, DS_NO_IMAGE, DS_FAILED, EVAL_ERROR,
} from "../../vm-as/device/protocol.js";
import type { Board } from "../flash/board.js";
import { SimFlash } from "../flash/simflash.js";
import { flashImports, flashSetupArgs } from "../flash/device.js";
import { Pacer } from "./pacer.js";

/** The device module's exports (vm-as/device/entry.ts, later build/talc.wasm). */
export interface DeviceExports {
  memory: WebAssembly.Memory;
  dev_init(flashSize: number, sector: number, slotSize: number, a: number, b: number, br: number, baud: number): number;
  dev_scratch(): number;
  dev_scratchSize(): number;
  dev_setName(len: number, vm: number, image: number): void;
  dev_setBoot(state: number, running: number, result: number, textLen: number): void;
  dev_setState(state: number): void;
  dev_announce(): void;
  dev_console(fd: number, len: number): void;
  dev_exit(status: number): void;
  dev_evalDone(status: number, len: number): void;
  dev_consoleRead(ptr: number, cap: number): number;
  dev_stat(which: number): number;
  dev_feed(len: number): void;
  dev_buffer(len: number): number;
  flash_setup(id: number, size: number, sector: number, boot: number, s0: number, s1: number, slotSize: number, attempts: number): number;
  flash_boot(out: number, cap: number): number;
  flash_bootedSlot(): number;
  flash_confirm(): number;
  flash_reject(): number;
  flash_scan(): number;
  flash_recordActive(): number;
  flash_recordState(): number;
  flash_errorText(): number;
  flash_errorTextLength(): number;
}

/** A program loaded into a VM on the board. */
export interface SimProgram {
  /** Run a slice of bytecodes: null while the program runs, else its exit status. */
  step(): number | null;
  /** Evaluate a compiled DoIt class; undefined when this VM cannot. */
  eval?(classFile: Uint8Array): Promise<{ ok: boolean; text: string }>;
}

/** How the board gets a VM: load an image (throw an Error with a clear
 *  message when the VM refuses it); output through the callbacks. */
export interface SimVm {
  version: number;
  load(image: Uint8Array, out: { stdout(b: Uint8Array): void; stderr(b: Uint8Array): void }): SimProgram;
}

export interface SimBoardOptions {
  board: Board;
  flashPath: string;
  device: WebAssembly.Module;
  /** Line rate in baud (10 bits per byte); 0 = unpaced.  Default: the board's. */
  baud?: number;
  vm?: SimVm | null;
  /** Start held (RESET_HOLD) instead of running the program. */
  hold?: boolean;
  log?: (s: string) => void;
}

export class SimBoard {
  readonly flash: SimFlash;
  readonly board: Board;
  readonly baud: number;
  private x!: DeviceExports;
  private rx: Pacer;
  private tx: Pacer;
  private txListener: ((b: Uint8Array) => void) | null = null;
  private program: SimProgram | null = null;
  private pendingReset: number | null = null;
  private generation = 0;
  private closed = false;
  /** Boots so far, and bytes that reached the device engine. */
  readonly stats = { boots: 0, rxBytes: 0, txBytes: 0 };
  /** Program output, also kept here (tests). */
  consoleLog = "";

  constructor(private opts: SimBoardOptions) {
    this.board = opts.board;
    this.baud = opts.baud ?? opts.board.uartBaud;
    if (!existsSync(opts.flashPath)) {
      writeFileSync(opts.flashPath, new Uint8Array(this.board.flashSize).fill(0xff));
    }
    this.flash = SimFlash.openFile(opts.flashPath, this.board.flashSize, this.board.sectorSize);
    const rate = this.baud / 10;
    this.rx = new Pacer(rate, (b) => this.feed(b));
    this.tx = new Pacer(rate, (b) => { this.stats.txBytes += b.length; this.txListener?.(b); });
  }

  private log(s: string): void { this.opts.log?.(s); }

  /** Where the UART's output goes (one listener: the attached host). */
  attach(listener: ((b: Uint8Array) => void) | null): void { this.txListener = listener; }

  /** Bytes from the host into the UART (paced). */
  receive(b: Uint8Array): void { if (!this.closed) this.rx.push(b); }

  /** Power on / reset: a fresh device instance, boot from flash, announce. */
  powerOn(mode = this.opts.hold ? RESET_HOLD : RESET_RUN): void {
    this.generation++;
    this.program = null;
    this.loaded = null;
    this.pendingReset = null;
    this.rx.clear();
    this.tx.clear();
    let ex: DeviceExports | null = null;
    const mem = () => new Uint8Array(ex!.memory.buffer);
    const talc: Record<string, (...a: number[]) => number | void> = {
      ...flashImports(this.flash, () => ex!.memory),
      uart_write: (ptr: number, len: number) => { this.tx.push(mem().slice(ptr >>> 0, (ptr >>> 0) + len)); },
      board_reset: (m: number) => { this.pendingReset = m; },
      board_boot: () => this.startProgram(),
      board_eval: (ptr: number, len: number) => this.startEval(mem().slice(ptr >>> 0, (ptr >>> 0) + len)),
    };
    // A module that also carries the VM (build/talc.wasm once vm-as/index.ts
    // re-exports the engine) imports more: the VM runs elsewhere, so those
    // answer 0 here.
    for (const imp of WebAssembly.Module.imports(this.opts.device)) {
      if (imp.module === "talc" && imp.kind === "function" && !(imp.name in talc)) talc[imp.name] = () => 0;
    }
    const inst = new WebAssembly.Instance(this.opts.device, { talc });
    ex = inst.exports as unknown as DeviceExports;
    this.x = ex;
    const b = this.board;
    if (ex.dev_init(b.flashSize, b.sectorSize, b.slots[0].size, b.slots[0].offset, b.slots[1].offset, b.bootOffset, this.baud) !== 0) {
      throw new Error(`board ${b.name}: the device engine refused the flash geometry`);
    }
    if (ex.flash_setup(...flashSetupArgs(b)) < 0) throw new Error(`board ${b.name}: ${this.flashText()}`);
    const name = new TextEncoder().encode(b.name);
    mem().set(name, ex.dev_scratch());
    ex.dev_setName(name.length, this.opts.vm?.version ?? 0, FI_VERSION);
    this.stats.boots++;
    this.boot(mode, 0);
  }

  private flashText(): string {
    const p = this.x.flash_errorText() >>> 0;
    return new TextDecoder().decode(new Uint8Array(this.x.memory.buffer, p, this.x.flash_errorTextLength() >>> 0));
  }

  private setBoot(state: number, running: number, result: number, text: string): void {
    const t = new TextEncoder().encode(text).subarray(0, 200);
    new Uint8Array(this.x.memory.buffer).set(t, this.x.dev_scratch());
    this.x.dev_setBoot(state, running, result, t.length);
  }

  private loaded: { image: Uint8Array; slot: number } | null = null;

  private boot(mode: number, depth: number): void {
    const x = this.x;
    const room = this.board.ramSize;
    const buf = x.dev_buffer(room) >>> 0;
    if (buf === 0) throw new Error("cannot allocate the board's RAM");
    // A trial image that does not boot is abandoned inside flash_boot; its
    // refusal text stays available, so the announce can say why.
    const trial = x.flash_scan() === 1 && x.flash_recordState() === BS_TRIAL ? x.flash_recordActive() : -1;
    const n = x.flash_boot(buf, room);
    if (n < 0) {
      const text = this.flashText();
      this.log(`boot: ${text}`);
      this.setBoot(DS_NO_IMAGE, 255, n, text);
      x.dev_announce();
      return;
    }
    const slot = x.flash_bootedSlot();
    const image = new Uint8Array(x.memory.buffer, buf, n).slice();
    const slotName = String(slot);
    const prefix = trial >= 0 && trial !== slot
      ? `trial image in slot ${trial} abandoned (${this.flashText()}); ` : "";
    const vm = this.opts.vm;
    if (!vm) {
      // No VM in this build: the image verified (header, CRC-32, inflate, SHA-256).
      x.flash_confirm();
      this.loaded = { image, slot };
      this.setBoot(DS_HOLD, slot, 0, `${prefix}slot ${slotName}: image verified (${n} bytes); this board has no VM, program not started`);
      x.dev_announce();
      return;
    }
    let program: SimProgram;
    try {
      program = vm.load(image, {
        stdout: (b) => this.console(1, b),
        stderr: (b) => this.console(2, b),
      });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.log(`boot: VM refused slot ${slotName}: ${why}`);
      const next = x.flash_reject();
      if (next >= 0 && depth < 2) { this.boot(mode, depth + 1); return; }
      this.setBoot(DS_FAILED, slot, -1, `slot ${slotName}: VM refused the image: ${why}`);
      x.dev_announce();
      return;
    }
    x.flash_confirm();
    this.loaded = { image, slot };
    this.program = program;
    if (mode === RESET_HOLD) {
      this.setBoot(DS_HOLD, slot, 0, `${prefix}slot ${slotName}: image loaded, held`);
      x.dev_announce();
      return;
    }
    this.setBoot(DS_RUNNING, slot, 0, `${prefix}slot ${slotName}: running`);
    x.dev_announce();
    this.runProgram();
  }

  /** BOOT request: start a held program. */
  private startProgram(): number {
    if (!this.program) return -1;
    setImmediate(() => this.runProgram());
    return 0;
  }

  private runProgram(): void {
    const gen = this.generation;
    const prog = this.program;
    if (!prog) return;
    this.x.dev_setState(DS_RUNNING);
    const tick = () => {
      if (gen !== this.generation || this.closed) return;
      // Let the UART drain before producing more output (a real board blocks on a full TX FIFO).
      if (this.tx.pending > 4096) { setTimeout(tick, 5); return; }
      let status: number | null;
      try { status = prog.step(); } catch (e) {
        this.console(2, new TextEncoder().encode(`VM failure: ${e instanceof Error ? e.message : String(e)}\n`));
        status = 70;
      }
      if (status === null) { setImmediate(tick); return; }
      this.x.dev_exit(status);
      this.x.dev_setState(DS_EXITED);
    };
    setImmediate(tick);
  }

  private startEval(classFile: Uint8Array): number {
    const prog = this.program;
    if (!prog || !prog.eval) return -1;
    const gen = this.generation;
    prog.eval(classFile).then(
      (r) => { if (gen === this.generation) this.evalDone(r.ok ? 0 : EVAL_ERROR, r.text); },
      (e) => { if (gen === this.generation) this.evalDone(EVAL_ERROR, e instanceof Error ? e.message : String(e)); },
    );
    return 0;
  }

  private evalDone(status: number, text: string): void {
    const t = new TextEncoder().encode(text).subarray(0, 1000);
    new Uint8Array(this.x.memory.buffer).set(t, this.x.dev_scratch());
    this.x.dev_evalDone(status, t.length);
  }

  private console(fd: number, b: Uint8Array): void {
    if (this.closed) return;
    this.consoleLog += new TextDecoder().decode(b);
    const size = this.x.dev_scratchSize();
    for (let off = 0; off < b.length; off += size) {
      const part = b.subarray(off, Math.min(b.length, off + size));
      new Uint8Array(this.x.memory.buffer).set(part, this.x.dev_scratch());
      this.x.dev_console(fd, part.length);
    }
  }

  /** Paced bytes reach the engine; split after each delimiter so a RESET
   *  request takes effect before the bytes behind it. */
  private feed(b: Uint8Array): void {
    if (this.closed) return;
    this.stats.rxBytes += b.length;
    const size = this.x.dev_scratchSize();
    let start = 0;
    while (start < b.length) {
      let end = start;
      while (end < b.length && end - start < size && b[end] !== 0) end++;
      if (end < b.length && b[end] === 0 && end - start < size) end++;
      const part = b.subarray(start, end);
      new Uint8Array(this.x.memory.buffer).set(part, this.x.dev_scratch());
      this.x.dev_feed(part.length);
      start = end;
      if (this.pendingReset !== null) {
        const mode = this.pendingReset;
        // the reply to RESET is already queued: let it out, then reset
        const wait = Math.ceil((this.tx.pending * 10 * 1000) / Math.max(1, this.baud)) + 2;
        this.pendingReset = null;
        this.rx.clear();
        const gen = ++this.generation;
        setTimeout(() => { if (gen === this.generation && !this.closed) this.powerOn(mode); }, this.baud === 0 ? 1 : wait);
        return;
      }
    }
  }

  /** Fault injection: reset now (the byte in flight is lost). */
  reset(mode = RESET_RUN): void { if (!this.closed) this.powerOn(mode); }

  /** The image running now (tests). */
  get running(): { image: Uint8Array; slot: number } | null { return this.loaded; }

  close(): void {
    this.closed = true;
    this.generation++;
    this.rx.clear();
    this.tx.clear();
    this.flash.close();
  }
}
