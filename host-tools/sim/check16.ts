// Technique 1 (copy-down, masked jump) checked send by send against the real
// 16-bit VM (`talc sim --bits 16`, docs/DISPATCH.md).
//
// The program's 32-bit image is converted to a 16-bit image (image16.ts) and
// run on build/talc16.sim.wasm (asc target sim16: 16-bit memory + send
// trace).  For every send whose entry the VM computed from the receiver
// pointer (ordinary sends and the VM's own sends; not super sends) the trace
// holds the receiver oop, the selector (a SmallInteger: its symbol number),
// the entry address and the method run.  Each one is checked:
//
//   (a) entry == CODE_BASE + (((oop >> 6) & ((oop & 1) - 1)) << STRIDE_SHIFT) + sel * ENTRY_BYTES
//       with CODE_BASE / STRIDE_SHIFT read from the VM (vm_codeBase16, vm_codeShift16);
//   (b) the method run == the entry's method (E_METHOD), == the method of
//       technique 1's model table (tables.ts CopyDown, built from the
//       32-bit image's universe) for (receiver class, selector), == the
//       superclass-chain lookup of that pair in the universe.
//
// Any mismatch is a hard error (Check16Error) naming the send.
import { C_NAME, M_HOLDER, M_SIGNATURE, FMT_CLASS } from "../../vm-as/layout.js";
import { ENTRY_BYTES, E_METHOD, E_KIND, E_EMPTY } from "../../vm-as/layout16.js";
import { readImage } from "../image/inspect.js";
import { write16, type Image16 } from "../image/image16.js";
import { TalcVM } from "../vm/vmhost.js";
import { Universe, universeOfImage, viewOf, textAt, slotOf, fmtOf } from "./universe.js";
import { KIND_SEND, KIND_VM, SendLog, type Recording } from "./record.js";
import { buildContext } from "./replay.js";
import { CopyDown } from "./tables.js";
import { DEFAULT_MODEL } from "./model.js";

const TRACE_ENTRY_BYTES = 28;   // vm-as/trace.ts

export class Check16Error extends Error {
  constructor(msg: string) {
    super(msg);
    this.name = "Check16Error";
  }
}

export interface Check16Options {
  /** The program's 32-bit image (built with linkNamedClasses, as `talc build --bits 16` does). */
  image: Uint8Array;
  /** Entry class name. */
  main: string;
  args: string[];
  classPath: string[];
  heapBytes: number;
  stackBytes: number;
  maxSends: number;
  /** Called after the image is loaded, before the run (tests: tamper with a code object). */
  afterLoad?: (vm: TalcVM, img: Image16) => void;
}

export interface Check16Result {
  /** Trace entries (every send the VM dispatched). */
  sends: number;
  /** Sends with a computed entry, each checked (a) and (b). */
  checked: number;
  /** Of those: receiver a SmallInteger (page 0), not understood (empty entry). */
  smallIntegerReceivers: number;
  notUnderstood: number;
  /** Sends without a computed entry: super sends (statically bound). */
  superSends: number;
  /** Always 0 on success (a mismatch throws). */
  mismatches: number;
  codeBase: number;
  strideShift: number;
  exitStatus: number;
  stdout: string;
  stderr: string;
}

interface Ex16 {
  memory: WebAssembly.Memory;
  vm_codeBase16(): number;
  vm_codeShift16(): number;
}

/** Superclass-chain lookup in the universe (own methods only, walking up). */
function chainLookup(u: Universe, cid: number, sid: number): number {
  for (let c = cid, depth = 0; c >= 0 && depth < 1024; c = u.classes[c].superId, depth++) {
    const m = u.classes[c].own.get(sid);
    if (m !== undefined) return m;
  }
  return -1;
}

export function check16(o: Check16Options): Check16Result {
  const model = readImage(o.image);
  const img = write16(model);
  const u = universeOfImage(o.image);
  const h = viewOf(model.payload);
  const from16 = new Map<number, number>();
  for (const [o32, o16] of img.oopMap) if ((o16 & 1) === 0) from16.set(o16, o32);
  const symbols = img.plan.symbols;

  const classId = (oop16: number): number => {
    const o32 = from16.get(oop16);
    if (o32 === undefined || fmtOf(h, o32) !== FMT_CLASS) throw new Check16Error(`class oop ${oop16} of the 16-bit heap is not a class of the image`);
    const name = textAt(h, slotOf(h, o32, C_NAME));
    const id = name === null ? undefined : u.classByName.get(name);
    if (id === undefined) throw new Check16Error(`class oop ${oop16} (${name ?? "?"}) is not in the universe`);
    return id;
  };
  const methodId = (oop16: number): number => {
    const o32 = from16.get(oop16);
    if (o32 === undefined) throw new Check16Error(`method oop ${oop16} of the 16-bit heap is not a method of the image`);
    const sel = textAt(h, slotOf(h, o32, M_SIGNATURE));
    const holder = slotOf(h, o32, M_HOLDER);
    const hn = fmtOf(h, holder) === FMT_CLASS ? textAt(h, slotOf(h, holder, C_NAME)) : null;
    const id = sel === null || hn === null ? undefined : u.methodByKey.get(`${hn}>>${sel}`);
    if (id === undefined) throw new Check16Error(`method oop ${oop16} (${hn ?? "?"}>>${sel ?? "?"}) is not in the universe`);
    return id;
  };
  const selName = (sel: number): string => symbols[sel >> 1] ?? `#${sel >> 1}`;

  // raw entries of sends with a computed entry, checked after the run against the model table
  const pending: number[] = [];   // (cls id, sel id, method id) triples
  const log = new SendLog();
  let sends = 0;
  let superSends = 0;
  let smallInts = 0;
  let dnu = 0;
  let base = 0;
  let shift = 0;
  let vm: TalcVM | null = null;
  const outDec = new TextDecoder();
  const errDec = new TextDecoder();
  let stdout = "";
  let stderr = "";

  const onTrace = (ptr: number, count: number): void => {
    const ex = vm!.exports as unknown as Ex16;
    if (base === 0) {
      base = ex.vm_codeBase16();
      shift = ex.vm_codeShift16();
    }
    const dv = new DataView(ex.memory.buffer);
    for (let i = 0; i < count; i++) {
      const e = ptr + i * TRACE_ENTRY_BYTES;
      const clsOop = dv.getUint32(e, true);
      const sel = dv.getUint32(e + 4, true);
      const m = dv.getUint32(e + 8, true);
      const kind = dv.getUint32(e + 16, true) >>> 24;
      const rcvr = dv.getUint32(e + 20, true);
      const entry = dv.getUint32(e + 24, true);
      if (++sends > o.maxSends) throw new Check16Error(`the program made more than ${o.maxSends} sends; give it a smaller argument (or raise --max-sends)`);
      if (kind !== KIND_SEND && kind !== KIND_VM) { superSends++; continue; }
      const cid = classId(clsOop);
      const sid = u.selectorId(selName(sel));
      const mid = m === 0 ? -1 : methodId(m);
      log.push(cid, sid, mid, -1, kind);
      if (entry === 0) {
        // only a selector beyond the code objects' width has no entry: not understood
        if (m !== 0) throw new Check16Error(`send #${sends} ${u.classes[cid].name}>>${selName(sel)}: no entry computed, yet method ${u.methods[mid].key} ran`);
        dnu++;
        pending.push(cid, sid, mid, sends);
        continue;
      }
      // (a) the entry address from the masked receiver pointer
      const want = base + ((((rcvr >>> 6) & (((rcvr & 1) - 1) >>> 0)) << shift) >>> 0) + (sel >>> 1) * ENTRY_BYTES;
      if (entry !== want) {
        throw new Check16Error(`send #${sends} ${u.classes[cid].name}>>${selName(sel)} to oop ${rcvr}: the VM's entry is ${entry}, ` +
          `the layout gives ${want} (base ${base}, shift ${shift})`);
      }
      // the method run is the entry's
      const empty = dv.getUint8(entry + E_KIND) === E_EMPTY;
      const inEntry = empty ? 0 : dv.getUint16(entry + E_METHOD, true);
      if (inEntry !== m) throw new Check16Error(`send #${sends} ${u.classes[cid].name}>>${selName(sel)}: the VM ran method oop ${m}, its entry holds ${inEntry}`);
      if ((rcvr & 1) === 1) smallInts++;
      if (m === 0) dnu++;
      pending.push(cid, sid, mid, sends);
    }
  };

  vm = TalcVM.createSync({
    heapBytes: o.heapBytes,
    stackBytes: o.stackBytes,
    classPath: o.classPath,
    wasmFile: "talc16.sim.wasm",
    extraImports: { send_trace: onTrace },
    stdout: (b) => { stdout += outDec.decode(b, { stream: true }); },
    stderr: (b) => { stderr += errDec.decode(b, { stream: true }); },
  });
  vm.loadImage(img.bytes);
  o.afterLoad?.(vm, img);
  vm.start([o.main, ...o.args]);
  const status = vm.runSync();
  stdout += outDec.decode();
  stderr += errDec.decode();
  if (sends !== vm.statSends) throw new Check16Error(`the trace holds ${sends} sends, the VM counted ${vm.statSends}`);

  // (b) technique 1's model table and the chain lookup agree with the VM on every checked send
  const rec: Recording = { log, sites: 0, vmSends: sends, bytecodes: 0, exitStatus: status, gcCount: 0, stdout, stderr };
  const table = new CopyDown(buildContext(u, rec, DEFAULT_MODEL));
  for (let i = 0; i < pending.length; i += 4) {
    const [cid, sid, mid, n] = [pending[i], pending[i + 1], pending[i + 2], pending[i + 3]];
    const t = table.resolve(cid, sid);
    const l = chainLookup(u, cid, sid);
    if (t !== mid || l !== mid) {
      const name = (x: number): string => (x < 0 ? "doesNotUnderstand:" : u.methods[x].key);
      throw new Check16Error(`send #${n} ${u.classes[cid].name}>>${u.selectors[sid]}: the 16-bit VM ran ${name(mid)}, ` +
        `technique 1's table gives ${name(t)}, the chain lookup ${name(l)}`);
    }
  }
  return {
    sends, checked: pending.length / 4, smallIntegerReceivers: smallInts, notUnderstood: dnu, superSends, mismatches: 0,
    codeBase: base, strideShift: shift, exitStatus: status, stdout, stderr,
  };
}

export function formatCheck16(program: string, r: Check16Result): string {
  return `talc sim --bits 16: ${program} on the 16-bit VM (code objects at ${r.codeBase}, stride 2^${r.strideShift})\n` +
    `  sends ${r.sends}: checked ${r.checked} (SmallInteger receivers ${r.smallIntegerReceivers}, not understood ${r.notUnderstood}), ` +
    `super sends ${r.superSends} (statically bound, not checked)\n` +
    `  entry address = CODE_BASE + (((oop >> 6) & mask) << shift) + sel * ${ENTRY_BYTES}: ${r.checked - r.mismatches} ok\n` +
    `  method = entry's = technique 1 (copy-down) table's = chain lookup: ${r.checked - r.mismatches} ok; mismatches ${r.mismatches}\n`;
}
