// Helper: compiles vm-as/bits16_lab.ts (the 16-bit object memory and the
// copy-down code objects, nothing else) and builds small class worlds in it
// with the real class/method layout (layout.ts C_*, M_*).
import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  FMT_ARRAY, FMT_CLASS, FMT_FIXED, FMT_METHOD, FMT_BYTES,
  C_SUPERCLASS, C_METHODS, M_SIGNATURE, M_HOLDER, M_BYTECODE, M_HEADER, M_PRIMITIVE, M_SLOTS, C_FIXED_SLOTS,
} from "../../vm-as/layout.js";

const root = join(import.meta.dirname, "..", "..");
let compiled: WebAssembly.Module | null = null;

export function labModule(): WebAssembly.Module {
  if (compiled === null) {
    // one output file per process: test files run in parallel forks
    const dir = mkdtempSync(join(tmpdir(), "talc-bits16-"));
    const out = join(dir, "bits16_lab.wasm");
    execFileSync(join(root, "node_modules", ".bin", "asc"), ["--config", "test/bits16/asconfig.json", "--target", "lab", "--outFile", out], { cwd: root, stdio: "pipe" });
    compiled = new WebAssembly.Module(readFileSync(out));
    rmSync(dir, { recursive: true, force: true });
  }
  return compiled;
}

export interface Lab {
  lab_init(heapBytes: number, selectors: number): number;
  lab_setRoot(i: number, oop: number): void;
  lab_root(i: number): number;
  lab_setNRoots(n: number): void;
  lab_codeInit(selectors: number, nil: number, integerClass: number): void;
  lab_alloc(cls: number, fmt: number, size: number, fill: number): number;
  lab_slot(o: number, i: number): number;
  lab_setSlot(o: number, i: number, v: number): void;
  lab_setPageClass(page: number, cls: number): void;
  lab_pageClass(page: number): number;
  lab_classOf(o: number): number;
  lab_collect(): void;
  lab_addr(o: number): number;
  lab_size(o: number): number;
  lab_fmt(o: number): number;
  lab_hash(o: number): number;
  lab_body(o: number): number;
  lab_error(): number;
  lab_clearError(): void;
  lab_gcCount(): number;
  lab_heapUsed(): number;
  lab_pagesInUse(): number;
  lab_objectCount(): number;
  lab_install(cls: number, m: number): number;
  lab_send(oop: number, sel: number): number;
  lab_entryAddr(oop: number, sel: number): number;
  lab_lastEntry(): number;
  lab_codeBase(): number;
  lab_shift(): number;
  lab_codeObject(page: number): number;
  lab_superSend(holder: number, sel: number): number;
  lab_lookupFrom(cls: number, selOop: number): number;
  memory: WebAssembly.Memory;
}

export const small = (v: number): number => ((v << 1) | 1) & 0xffff;

/** A class world in 16-bit memory: Object, Metaclass, Nil, Integer, Array, Method + user classes. */
export class World {
  readonly x: Lab;
  nil = 0;
  object = 0;
  metaclass = 0;
  integer = 0;
  array = 0;
  method = 0;
  private placeholder = 0x7ffe;
  private codeStarted = false;

  constructor(heapBytes: number, selectors: number) {
    this.x = new WebAssembly.Instance(labModule(), {}).exports as unknown as Lab;
    if (this.x.lab_init(heapBytes, selectors) !== 0) throw new Error("lab_init failed");
    // Bootstrap: each object alone in a page of a placeholder class, then the page is given its real class.
    const raw = (fmt: number, size: number): number => {
      const o = this.x.lab_alloc(this.placeholder, fmt, size, 0);
      this.placeholder -= 64;      // next placeholder: a different page's worth of numbers
      return o;
    };
    const setClass = (o: number, cls: number): void => this.x.lab_setPageClass(o >> 6, cls);
    const metaclassClass = raw(FMT_CLASS, C_FIXED_SLOTS);
    const metaclassMeta = raw(FMT_CLASS, C_FIXED_SLOTS);
    const objectClass = raw(FMT_CLASS, C_FIXED_SLOTS);
    const objectMeta = raw(FMT_CLASS, C_FIXED_SLOTS);
    const nilClass = raw(FMT_CLASS, C_FIXED_SLOTS);
    const nilMeta = raw(FMT_CLASS, C_FIXED_SLOTS);
    const nil = raw(FMT_FIXED, 0);
    setClass(metaclassClass, metaclassMeta);
    setClass(metaclassMeta, metaclassClass);
    setClass(objectClass, objectMeta);
    setClass(objectMeta, metaclassClass);
    setClass(nilClass, nilMeta);
    setClass(nilMeta, metaclassClass);
    setClass(nil, nilClass);
    for (const c of [metaclassClass, metaclassMeta, objectClass, objectMeta, nilClass, nilMeta]) {
      for (let i = 0; i < C_FIXED_SLOTS; i++) this.x.lab_setSlot(c, i, nil);
    }
    this.nil = nil;
    this.object = objectClass;
    this.metaclass = metaclassClass;
    this.x.lab_setSlot(objectMeta, C_SUPERCLASS, metaclassClass);   // Object class superclass = Class (here: Metaclass)
    this.x.lab_setSlot(metaclassClass, C_SUPERCLASS, objectClass);
    this.x.lab_setSlot(nilClass, C_SUPERCLASS, objectClass);
    this.x.lab_setSlot(nilMeta, C_SUPERCLASS, objectMeta);
    this.x.lab_setSlot(metaclassMeta, C_SUPERCLASS, objectMeta);
    this.integer = this.defineClass(objectClass);
    this.array = this.defineClass(objectClass);
    this.method = this.defineClass(objectClass);
    const roots = [nil, objectClass, metaclassClass, this.integer, this.array, this.method];
    roots.forEach((r, i) => this.x.lab_setRoot(i, r));
  }

  /** Start the code space (after the core classes exist). */
  startCode(selectors: number): void {
    this.codeStarted = true;
    this.x.lab_codeInit(selectors, this.nil, this.integer);
  }

  /** New class with superclass `sup` and its metaclass (superclass: sup's metaclass). */
  defineClass(sup: number): number {
    const supMeta = this.x.lab_classOf(sup);
    const meta = this.x.lab_alloc(this.metaclass, FMT_CLASS, C_FIXED_SLOTS, this.nil);
    this.x.lab_setSlot(meta, C_SUPERCLASS, supMeta);
    const cls = this.x.lab_alloc(meta, FMT_CLASS, C_FIXED_SLOTS, this.nil);
    this.x.lab_setSlot(cls, C_SUPERCLASS, sup);
    return cls;
  }

  /** A method object: kind "bytecode" | "prim" | "quick" with its number. */
  newMethod(holder: number, sel: number, kind: "bytecode" | "prim" | "quick", n = 0, nargs = 0): number {
    const m = this.x.lab_alloc(this.method, FMT_METHOD, M_SLOTS, this.nil);
    this.x.lab_setSlot(m, M_SIGNATURE, small(sel));
    this.x.lab_setSlot(m, M_HOLDER, holder);
    this.x.lab_setSlot(m, M_HEADER, small(nargs));
    if (kind === "bytecode" || kind === "quick") {
      const bc = this.x.lab_alloc(this.method, FMT_BYTES, 4, this.nil);
      this.x.lab_setSlot(m, M_BYTECODE, bc);
    }
    this.x.lab_setSlot(m, M_PRIMITIVE, small(kind === "quick" ? -n : kind === "prim" ? n : 0));
    return m;
  }

  /** Give `cls` methods for these selectors (bytecode methods); answers them in order. */
  define(cls: number, sels: number[]): number[] {
    const ms = sels.map((s) => this.newMethod(cls, s, "bytecode"));
    this.setMethods(cls, ms);
    return ms;
  }

  setMethods(cls: number, ms: number[]): void {
    const arr = this.x.lab_alloc(this.array, FMT_ARRAY, ms.length, this.nil);
    ms.forEach((m, i) => this.x.lab_setSlot(arr, i, m));
    this.x.lab_setSlot(cls, C_METHODS, arr);
    // as the linker does: pages that already exist get the new entries
    if (this.codeStarted) for (const m of ms) this.x.lab_install(cls, m);
  }

  methodsOf(cls: number): number[] {
    const arr = this.x.lab_slot(cls, C_METHODS);
    if (arr === this.nil) return [];
    const out: number[] = [];
    for (let i = 0; i < this.x.lab_size(arr); i++) out.push(this.x.lab_slot(arr, i));
    return out;
  }

  instance(cls: number, fields = 0): number {
    return this.x.lab_alloc(cls, FMT_FIXED, fields, this.nil);
  }
}
