// Run an image on the traced VM build (build/talc.sim.wasm, vm-as/trace.ts)
// and record every send as (class, selector, method found, call site, kind)
// in Universe ids.
//
// The VM hands the host batches of raw entries (oops); the host resolves
// them at once, while the oops are valid: a batch is flushed before every
// collection, so all oops of a batch belong to the heap as it is during the
// call.  Per-oop caches are dropped whenever the collection count changed.
import {
  C_NAME, M_SIGNATURE, M_HOLDER, FMT_CLASS, FMT_METHOD,
} from "../../vm-as/layout.js";
import { TalcVM } from "../vm/vmhost.js";
import { Universe, textAt, slotOf, fmtOf, hashOf, type HeapView } from "./universe.js";

/** Trace entry layout (vm-as/trace.ts). */
const ENTRY_BYTES = 28;
export const KIND_SEND = 0;
export const KIND_SUPER = 1;
export const KIND_VM = 2;
export const KIND_VM_SUPER = 3;

/** Words per recorded send: class, selector, method (-1 DNU), site (-1 none), kind. */
export const REC_WORDS = 5;
const CHUNK_SENDS = 1 << 16;

/** Recorded sends in chunks of Int32Array (REC_WORDS per send). */
export class SendLog {
  readonly chunks: Int32Array[] = [];
  length = 0;
  private cur: Int32Array | null = null;
  private fill = 0;

  push(cls: number, sel: number, method: number, site: number, kind: number): void {
    if (this.cur === null || this.fill === CHUNK_SENDS) {
      this.cur = new Int32Array(CHUNK_SENDS * REC_WORDS);
      this.chunks.push(this.cur);
      this.fill = 0;
    }
    const o = this.fill * REC_WORDS;
    this.cur[o] = cls;
    this.cur[o + 1] = sel;
    this.cur[o + 2] = method;
    this.cur[o + 3] = site;
    this.cur[o + 4] = kind;
    this.fill++;
    this.length++;
  }

  /** Visit every send in order. */
  forEach(f: (cls: number, sel: number, method: number, site: number, kind: number) => void): void {
    let left = this.length;
    for (const c of this.chunks) {
      const n = Math.min(left, CHUNK_SENDS);
      for (let i = 0; i < n; i++) {
        const o = i * REC_WORDS;
        f(c[o], c[o + 1], c[o + 2], c[o + 3], c[o + 4]);
      }
      left -= n;
    }
  }
}

export interface Recording {
  log: SendLog;
  /** Call sites seen (ids 0 .. sites-1). */
  sites: number;
  /** Sends the VM counted (vm_statSends): must equal log.length. */
  vmSends: number;
  bytecodes: number;
  exitStatus: number;
  gcCount: number;
  /** Program output (stdout, stderr) as text. */
  stdout: string;
  stderr: string;
}

export interface RecordOptions {
  image: Uint8Array;
  args: string[];
  classPath: string[];
  heapBytes: number;
  stackBytes: number;
  /** Stop with an error once this many sends are recorded (memory bound). */
  maxSends: number;
}

export class TraceTooLong extends Error {
  constructor(limit: number) {
    super(`the program made more than ${limit} sends; give it a smaller argument (or raise --max-sends)`);
    this.name = "TraceTooLong";
  }
}

/**
 * Resolves trace entries into Universe ids.  Class and method identity are
 * names; a call site is (site method, pc) where a block method is named by
 * its holder, the selector of its home method and its identity hash.
 */
class Resolver {
  private epoch = -1;
  private classOf = new Map<number, number>();
  private selOf = new Map<number, number>();
  private methodOf = new Map<number, number>();
  private siteMethodOf = new Map<number, number>();
  private readonly siteMethodByKey = new Map<string, number>();
  private readonly sites = new Map<number, number>();

  constructor(private readonly u: Universe) {}

  get siteCount(): number { return this.sites.size; }

  startBatch(gcCount: number): void {
    if (gcCount !== this.epoch) {
      this.epoch = gcCount;
      this.classOf.clear();
      this.selOf.clear();
      this.methodOf.clear();
      this.siteMethodOf.clear();
    }
  }

  cls(h: HeapView, oop: number): number {
    let id = this.classOf.get(oop);
    if (id === undefined) {
      const name = textAt(h, slotOf(h, oop, C_NAME));
      id = (name !== null ? this.u.classByName.get(name) : undefined) ?? this.u.addClass(h, oop);
      this.classOf.set(oop, id);
    }
    return id;
  }

  sel(h: HeapView, oop: number): number {
    let id = this.selOf.get(oop);
    if (id === undefined) {
      id = this.u.selectorId(textAt(h, oop) ?? `<selector@${oop}>`);
      this.selOf.set(oop, id);
    }
    return id;
  }

  method(h: HeapView, oop: number): number {
    if (oop === 0) return -1;
    let id = this.methodOf.get(oop);
    if (id === undefined) {
      const holderOop = slotOf(h, oop, M_HOLDER);
      const holder = fmtOf(h, holderOop) === FMT_CLASS ? this.cls(h, holderOop) : -1;
      const sel = this.sel(h, slotOf(h, oop, M_SIGNATURE));
      id = holder >= 0 ? this.u.methodId(holder, sel) : -2;
      this.methodOf.set(oop, id);
    }
    return id;
  }

  site(h: HeapView, methodOop: number, pc: number): number {
    if (methodOop === 0) return -1;
    let sm = this.siteMethodOf.get(methodOop);
    if (sm === undefined) {
      let key: string;
      if (fmtOf(h, methodOop) !== FMT_METHOD) key = `<site@${methodOop}>`;
      else {
        const holderOop = slotOf(h, methodOop, M_HOLDER);
        const holder = fmtOf(h, holderOop) === FMT_CLASS ? this.u.classes[this.cls(h, holderOop)].name : "?";
        const sig = textAt(h, slotOf(h, methodOop, M_SIGNATURE));
        key = sig !== null ? `${holder}>>${sig}` : `${holder}>>[block#${hashOf(h, methodOop)}]`;
      }
      sm = this.siteMethodByKey.get(key);
      if (sm === undefined) {
        sm = this.siteMethodByKey.size;
        this.siteMethodByKey.set(key, sm);
      }
      this.siteMethodOf.set(methodOop, sm);
    }
    const k = sm * 0x1000000 + pc;
    let s = this.sites.get(k);
    if (s === undefined) {
      s = this.sites.size;
      this.sites.set(k, s);
    }
    return s;
  }
}

/** Run the image's entry class with `args` on the traced VM; every send recorded against `u`. */
export function recordSends(u: Universe, o: RecordOptions): Recording {
  // streaming decoders: a UTF-8 character may straddle two writes
  const outDec = new TextDecoder();
  const errDec = new TextDecoder();
  let stdout = "";
  let stderr = "";
  const log = new SendLog();
  const res = new Resolver(u);
  let vm: TalcVM | null = null;
  const onTrace = (ptr: number, count: number): void => {
    const ex = vm!.exports;
    res.startBatch(ex.vm_gcCount());
    const dv = new DataView(ex.memory.buffer);
    const bytes = new Uint8Array(ex.memory.buffer);
    const h: HeapView = { u32: (a) => dv.getUint32(a, true), bytes: (a, n) => bytes.subarray(a, a + n) };
    for (let i = 0; i < count; i++) {
      const e = ptr + i * ENTRY_BYTES;
      const w4 = dv.getUint32(e + 16, true);
      const kind = w4 >>> 24;
      const cls = res.cls(h, dv.getUint32(e, true));
      const sel = res.sel(h, dv.getUint32(e + 4, true));
      const m = res.method(h, dv.getUint32(e + 8, true));
      const site = res.site(h, dv.getUint32(e + 12, true), w4 & 0xffffff);
      if (log.length >= o.maxSends) throw new TraceTooLong(o.maxSends);
      log.push(cls, sel, m, site, kind);
    }
  };
  vm = TalcVM.createSync({
    heapBytes: o.heapBytes,
    stackBytes: o.stackBytes,
    classPath: o.classPath,
    wasmFile: "talc.sim.wasm",
    extraImports: { send_trace: onTrace },
    stdout: (b) => { stdout += outDec.decode(b, { stream: true }); },
    stderr: (b) => { stderr += errDec.decode(b, { stream: true }); },
  });
  vm.loadImage(o.image);
  const entry = vm.entry();
  if (entry === null) throw new Error("the image has no entry class (build it with 'talc build <Main> -o app.img')");
  vm.start([entry, ...o.args]);
  const status = vm.runSync();
  stdout += outDec.decode();
  stderr += errDec.decode();
  return {
    log,
    sites: res.siteCount,
    vmSends: vm.statSends,
    bytecodes: vm.statBytecodes,
    exitStatus: status,
    gcCount: vm.gcCount,
    stdout,
    stderr,
  };
}
