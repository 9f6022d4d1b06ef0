// Node host of the Talc VM: loads build/talc.wasm, provides the imports
// (module "talc": write, clock_us, load_class, read_file) and drives the
// exports (docs/ARCHITECTURE.md).  Classes are compiled on demand with the
// compiler (host-tools/compiler) and linked by the VM's own linker.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { packageRoot, findClassFile } from "../classpath.js";
import { parseClass, generateClassFile, CompileError, type ClassAst } from "../compiler/index.js";
import { GENESIS_CLASS_NAMES } from "../../vm-as/layout.js";
import { flashImports, flashSetupArgs } from "../flash/device.js";
import type { Board } from "../flash/board.js";
import type { SimFlash } from "../flash/simflash.js";

/** The exports of talc.wasm (see vm-as/index.ts). */
export interface TalcExports {
  memory: WebAssembly.Memory;
  vm_init(heapBytes: number, stackBytes: number): number;
  vm_scratch(len: number): number;
  vm_genesis(): number;
  vm_linkClass(ptr: number, len: number): number;
  vm_setLinkTarget(library: number): void;
  vm_finishGenesis(): number;
  vm_pushArg(ptr: number, len: number): number;
  vm_startMain(): number;
  vm_run(budget: number): number;
  vm_exitStatus(): number;
  vm_errorText(): number;
  vm_errorTextLength(): number;
  vm_statBytecodes(): number;
  vm_statSends(): number;
  vm_heapUsed(): number;
  vm_gcCount(): number;
  vm_fullGC(): void;
  vm_loadClassByName(ptr: number, len: number): number;
  vm_classOf(oop: number): number;
  vm_classFieldNames(classOop: number): number;
  vm_setEntry(ptr: number, len: number): number;
  vm_entry(): number;
  vm_snapshot(): number;
  vm_loadImage(ptr: number, len: number): number;
  flash_setup(id: number, size: number, sector: number, boot: number, s0: number, s1: number, slotSize: number, attempts: number): number;
  flash_errorText(): number;
  flash_errorTextLength(): number;
}

export interface TalcVMOptions {
  /** Total heap (both semispaces), bytes.  Default 64 MiB. */
  heapBytes?: number;
  /** Frame stack, bytes.  Default 4 MiB. */
  stackBytes?: number;
  classPath: string[];
  stdout: (b: Uint8Array) => void;
  stderr: (b: Uint8Array) => void;
  /** Use build/talc.debug.wasm. */
  debug?: boolean;
  /** Another build of the VM in build/ (e.g. "talc.sim.wasm", the dispatch lab's traced build); overrides `debug`. */
  wasmFile?: string;
  /** Extra imports of module "talc" that build needs (the sim build: send_trace). */
  extraImports?: Record<string, (...args: number[]) => number | void>;
  /** The board's flash (talc run --board/--flash): `Talc snapshot` writes to it.  Without it the
   *  flash imports answer -1 and the flash geometry stays unset (`Talc snapshot` answers false). */
  flash?: { flash: SimFlash; board: Board };
}

/** An error the host reports as one clear line (no stack trace). */
export class TalcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TalcError";
  }
}

const moduleCache = new Map<string, WebAssembly.Module>();

/** The flash imports of a VM without flash: every operation fails. */
const NO_FLASH = { flash_read: (): number => -1, flash_erase: (): number => -1, flash_program: (): number => -1 };
const enc = new TextEncoder();
const dec = new TextDecoder();

function wasmModule(file: string): WebAssembly.Module {
  const path = join(packageRoot(), "build", file);
  let m = moduleCache.get(path);
  if (m === undefined) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch {
      throw new TalcError(`talc: cannot read ${path} (run 'npm run build:vm')`);
    }
    m = new WebAssembly.Module(bytes);
    moduleCache.set(path, m);
  }
  return m;
}

export class TalcVM {
  private ex!: TalcExports;
  private readonly classPath: string[];
  /** Classes being compiled and linked right now, outermost first (superclass cycle detection). */
  private readonly loading: string[] = [];
  private readonly loadingAst = new Map<string, { path: string; source: string; ast: ClassAst }>();
  private readonly out: (b: Uint8Array) => void;
  private readonly err: (b: Uint8Array) => void;
  /** Set when a compile error was reported (the run ends with status 1). */
  compileFailed = false;
  /** Called with every class file this host compiled and linked (the image builder uses it). */
  onCompiled: ((name: string, tcf: Uint8Array) => void) | null = null;

  private constructor(opts: TalcVMOptions) {
    this.classPath = opts.classPath;
    this.out = opts.stdout;
    this.err = opts.stderr;
  }

  static async create(opts: TalcVMOptions): Promise<TalcVM> {
    return TalcVM.createSync(opts);
  }

  static createSync(opts: TalcVMOptions): TalcVM {
    const vm = new TalcVM(opts);
    const mod = wasmModule(opts.wasmFile ?? (opts.debug === true ? "talc.debug.wasm" : "talc.wasm"));
    const imports = {
      talc: {
        write: (fd: number, ptr: number, len: number): void => {
          const bytes = new Uint8Array(vm.ex.memory.buffer, ptr, len).slice();
          if (fd === 2) vm.err(bytes);
          else vm.out(bytes);
        },
        clock_us: (): number => performance.now() * 1000,
        load_class: (ptr: number, len: number): number => vm.loadClassImport(vm.readString(ptr, len)),
        read_file: (ptr: number, len: number): number => {
          const path = vm.readString(ptr, len);
          let data: Uint8Array;
          try {
            data = readFileSync(path);
          } catch {
            return -1;
          }
          const p = vm.ex.vm_scratch(data.length);
          if (p === 0) return -1;
          new Uint8Array(vm.ex.memory.buffer, p, data.length).set(data);
          return data.length;
        },
        ...(opts.flash !== undefined ? flashImports(opts.flash.flash, () => vm.ex.memory) : NO_FLASH),
        ...opts.extraImports,
      },
    };
    const inst = new WebAssembly.Instance(mod, imports as unknown as WebAssembly.Imports);
    vm.ex = inst.exports as unknown as TalcExports;
    const heap = opts.heapBytes ?? 64 * 1024 * 1024;
    const stack = opts.stackBytes ?? 4 * 1024 * 1024;
    if (vm.ex.vm_init(heap, stack) !== 0) {
      throw new TalcError(`talc: cannot set up a VM with a heap of ${heap} bytes and a stack of ${stack} bytes`);
    }
    if (opts.flash !== undefined) {
      if (typeof vm.ex.flash_setup !== "function") throw new TalcError("talc: this VM build has no flash code (rebuild with 'npm run build:vm')");
      if (vm.ex.flash_setup(...flashSetupArgs(opts.flash.board)) < 0) {
        const t = dec.decode(new Uint8Array(vm.ex.memory.buffer, vm.ex.flash_errorText(), vm.ex.flash_errorTextLength()));
        throw new TalcError(`talc: board '${opts.flash.board.name}': ${t}`);
      }
    }
    return vm;
  }

  /** The raw exports (tests, tools). */
  get exports(): TalcExports { return this.ex; }

  private readString(ptr: number, len: number): string {
    return dec.decode(new Uint8Array(this.ex.memory.buffer, ptr, len));
  }

  private toScratch(bytes: Uint8Array): number {
    const p = this.ex.vm_scratch(bytes.length);
    if (p === 0) throw new TalcError("talc: out of memory for the scratch buffer");
    new Uint8Array(this.ex.memory.buffer, p, bytes.length).set(bytes);
    return p;
  }

  /** vm_errorText as a string. */
  errorText(): string {
    return this.readString(this.ex.vm_errorText(), this.ex.vm_errorTextLength());
  }

  private printErr(text: string): void {
    this.err(enc.encode(text.endsWith("\n") ? text : text + "\n"));
  }

  /** Field names of a class (or metaclass) oop. */
  private fieldNames(oop: number): string[] {
    const n = this.ex.vm_classFieldNames(oop);
    if (n <= 0) return [];
    return this.readString(this.ex.vm_scratch(0), n).split("\n");
  }

  /** Class oop for a name: global, library, or compiled from the class path (0 none, -1 failed). */
  loadClassByName(name: string): number {
    const b = enc.encode(name);
    const p = this.toScratch(b);
    return this.ex.vm_loadClassByName(p, b.length);
  }

  /**
   * Compile class `name` from the class path and link it.  Answers the class
   * oop, 0 when there is no such file, -1 after reporting an error on stderr.
   */
  compileAndLink(name: string): number {
    const path = findClassFile(name, this.classPath);
    if (path === null) return 0;
    if (this.loading.includes(name)) {
      // A superclass chain that comes back to a class still being loaded.
      // (Without this check each link would load the next one until the host stack overflows.)
      this.loading.push(name);
      this.printErr(this.cycleMessage(name));
      this.loading.pop();
      return -1;
    }
    this.loading.push(name);
    try {
      const source = readFileSync(path, "utf8");
      const ast = parseClass(source, path);
      this.loadingAst.set(name, { path, source, ast });
      let sup: { instanceFields: string[]; classFields: string[] } | null = null;
      if (!ast.superIsNil) {
        const superName = ast.superName ?? "Object";
        const s = this.loadClassByName(superName);
        if (s === 0) {
          this.printErr(`${path}: the superclass ${superName} of ${ast.name} was not found on the class path`);
          return -1;
        }
        if (s < 0) return -1;
        sup = { instanceFields: this.fieldNames(s), classFields: this.fieldNames(this.ex.vm_classOf(s)) };
      }
      const tcf = generateClassFile(ast, sup);
      const p = this.toScratch(tcf);
      const r = this.ex.vm_linkClass(p, tcf.length);
      if (r < 0) {
        this.printErr(`${path}: cannot link class ${name}: ${this.errorText()}`);
        return -1;
      }
      if (this.onCompiled !== null) this.onCompiled(name, tcf);
      return r;
    } catch (e) {
      if (e instanceof CompileError) this.printErr(e.format());
      else if (e instanceof Error) this.printErr(`${path}: ${e.message}`);
      else this.printErr(`${path}: ${String(e)}`);
      return -1;
    } finally {
      this.loading.pop();
      this.loadingAst.delete(name);
    }
  }

  /**
   * `file:line:col: superclass cycle: A -> B -> A` at the superclass name of
   * the first class of the cycle (spec 2.6 rule 3), with its line and a caret.
   */
  private cycleMessage(name: string): string {
    const cycle = this.loading.slice(this.loading.indexOf(name));
    const first = this.loadingAst.get(name);
    const detail = `superclass cycle: ${cycle.join(" -> ")}`;
    if (first === undefined || first.ast.superPos === null) return `${findClassFile(name, this.classPath) ?? name}: ${detail}`;
    const pos = first.ast.superPos;
    const line = first.source.split(/\r?\n/)[pos.line - 1] ?? "";
    return new CompileError(first.path, pos.line, pos.col, detail, line).format();
  }

  private loadClassImport(name: string): number {
    const r = this.compileAndLink(name);
    if (r < 0) this.compileFailed = true;
    return r;
  }

  /** Genesis, link every kernel class from the class path in bootstrap order, finishGenesis. */
  bootstrap(): void {
    if (this.ex.vm_genesis() !== 0) throw new TalcError(`talc: genesis failed: ${this.errorText()}`);
    for (const name of GENESIS_CLASS_NAMES) {
      if (findClassFile(name, this.classPath) === null) {
        throw new TalcError(`talc: kernel class ${name} not found on the class path (${this.classPath.join(":")})`);
      }
      const r = this.compileAndLink(name);
      if (r <= 0) throw new TalcError(`talc: cannot load kernel class ${name}`);
    }
    if (this.ex.vm_finishGenesis() !== 0) throw new TalcError(`talc: finishing genesis failed: ${this.errorText()}`);
  }

  /** Link new classes into the library (image building) instead of binding them. */
  setLinkToLibrary(on: boolean): void { this.ex.vm_setLinkTarget(on ? 1 : 0); }

  /** Set the entry (main class name) recorded in images. */
  setEntry(name: string): void {
    const b = enc.encode(name);
    this.ex.vm_setEntry(this.toScratch(b), b.length);
  }

  /** The entry class name of a loaded image, or null. */
  entry(): string | null {
    const n = this.ex.vm_entry();
    return n < 0 ? null : this.readString(this.ex.vm_scratch(0), n);
  }

  loadImage(bytes: Uint8Array): void {
    const p = this.toScratch(bytes);
    const r = this.ex.vm_loadImage(p, bytes.length);
    if (r < 0) throw new TalcError(`talc: image refused: ${this.errorText()}`);
  }

  snapshot(): Uint8Array {
    const n = this.ex.vm_snapshot();
    if (n < 0) throw new TalcError(`talc: snapshot failed: ${this.errorText()}`);
    return new Uint8Array(this.ex.memory.buffer, this.ex.vm_scratch(0), n).slice();
  }

  /** Build `arguments` (element 1 = class name) and send `system initialize: arguments`. */
  start(args: string[]): void {
    for (const a of args) {
      const b = enc.encode(a);
      if (this.ex.vm_pushArg(this.toScratch(b), b.length) !== 0) throw new TalcError("talc: out of memory");
    }
    this.ex.vm_startMain();
  }

  /** Run to the end, yielding to the event loop between slices; the exit status. */
  async runToEnd(sliceBudget = 5_000_000): Promise<number> {
    while (this.ex.vm_run(sliceBudget) === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return this.ex.vm_exitStatus();
  }

  /** Run to the end without yielding; the exit status. */
  runSync(sliceBudget = 5_000_000): number {
    while (this.ex.vm_run(sliceBudget) === 0) { /* next slice */ }
    return this.ex.vm_exitStatus();
  }

  /** Alias of loadClassByName (System>>load: semantics). */
  loadClass(name: string): number { return this.loadClassByName(name); }

  get bytecodes(): number { return this.ex.vm_statBytecodes(); }
  get statBytecodes(): number { return this.ex.vm_statBytecodes(); }
  get statSends(): number { return this.ex.vm_statSends(); }
  get sends(): number { return this.ex.vm_statSends(); }
  get heapUsed(): number { return this.ex.vm_heapUsed(); }
  get gcCount(): number { return this.ex.vm_gcCount(); }
  get exitStatus(): number { return this.ex.vm_exitStatus(); }
}
