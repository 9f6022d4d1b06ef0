// The class × selector universe of the dispatch lab: every class and
// metaclass of an image, its superclass, its own methods, the selectors the
// code sends, the static send sites — read from the image's heap, and from
// the live VM's memory for classes linked while the program runs.
//
// Identity: a class is its name ("Foo", "Foo class"); a method is
// "Holder>>selector"; a selector is its text.  Ids are dense integers in
// first-seen order (deterministic: the image is walked in address order).
import {
  HEADER_BYTES, FORMAT_MASK, FMT_CLASS, FMT_ARRAY, FMT_SYMBOL, FMT_STRING, FMT_METHOD, FMT_BYTES,
  C_SUPERCLASS, C_NAME, C_METHODS, M_SIGNATURE, M_HOLDER, M_BYTECODE, M_LITERALS,
} from "../../vm-as/layout.js";
import {
  OP_SEND, OP_SEND_W, OP_SUPER_SEND, OP_SUPER_SEND_W, OP_SPECIAL_FIRST, OP_SPECIAL_LAST, OP_COUNT, OP_NAMES,
  SPECIAL_SELECTORS, instructionLength,
} from "../../vm-as/isa.js";
import { readImage } from "../image/inspect.js";

/** Word and byte access to a heap: an image payload (oop = offset) or live wasm memory (oop = address). */
export interface HeapView {
  u32(addr: number): number;
  bytes(addr: number, n: number): Uint8Array;
}

export function viewOf(bytes: Uint8Array): HeapView {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    u32: (a) => dv.getUint32(a, true),
    bytes: (a, n) => bytes.subarray(a, a + n),
  };
}

const dec = new TextDecoder();
const isSmall = (oop: number): boolean => (oop & 1) === 1;
export const fmtOf = (h: HeapView, oop: number): number => h.u32(oop + 4) & FORMAT_MASK;
export const sizeOf = (h: HeapView, oop: number): number => h.u32(oop + 8);
export const slotOf = (h: HeapView, oop: number, i: number): number => h.u32(oop + HEADER_BYTES + 4 * i);
export const hashOf = (h: HeapView, oop: number): number => h.u32(oop + 4) >>> 8;

/** Text of a Symbol/String, or null. */
export function textAt(h: HeapView, oop: number): string | null {
  if (isSmall(oop)) return null;
  const f = fmtOf(h, oop);
  if (f !== FMT_SYMBOL && f !== FMT_STRING) return null;
  return dec.decode(h.bytes(oop + HEADER_BYTES, sizeOf(h, oop)));
}

export interface ClassInfo {
  id: number;
  name: string;
  /** Superclass id, -1 for none. */
  superId: number;
  /** Own methods: selector id → method id. */
  own: Map<number, number>;
  /** Bytes of instances of this class in the image heap (pages of copy-down). */
  instanceBytes: number;
  instanceCount: number;
}

export interface MethodInfo {
  id: number;
  key: string;
  holder: number;
  selector: number;
}

export class Universe {
  readonly classes: ClassInfo[] = [];
  readonly classByName = new Map<string, number>();
  readonly selectors: string[] = [];
  readonly selectorByName = new Map<string, number>();
  readonly methods: MethodInfo[] = [];
  readonly methodByKey = new Map<string, number>();
  /** Selectors some code sends (literal of a send instruction or a special send). */
  readonly sentSelectors = new Set<number>();
  /** Static send instructions in all methods and blocks (sites an inline cache would occupy). */
  staticSendSites = 0;
  private flat: (Map<number, number> | null)[] = [];

  selectorId(name: string): number {
    let s = this.selectorByName.get(name);
    if (s === undefined) {
      s = this.selectors.length;
      this.selectors.push(name);
      this.selectorByName.set(name, s);
    }
    return s;
  }

  methodId(holder: number, selector: number): number {
    const key = `${this.classes[holder].name}>>${this.selectors[selector]}`;
    let m = this.methodByKey.get(key);
    if (m === undefined) {
      m = this.methods.length;
      this.methods.push({ id: m, key, holder, selector });
      this.methodByKey.set(key, m);
    }
    return m;
  }

  /**
   * Add the class at `oop` of heap `h` (and its superclasses) if its name is
   * new; answers its id.
   */
  addClass(h: HeapView, oop: number): number {
    const name = textAt(h, slotOf(h, oop, C_NAME)) ?? `<class@${oop}>`;
    const known = this.classByName.get(name);
    if (known !== undefined) return known;
    const id = this.classes.length;
    const info: ClassInfo = { id, name, superId: -1, own: new Map(), instanceBytes: 0, instanceCount: 0 };
    this.classes.push(info);
    this.classByName.set(name, id);
    this.flat.push(null);
    const sup = slotOf(h, oop, C_SUPERCLASS);
    if (!isSmall(sup) && fmtOf(h, sup) === FMT_CLASS) info.superId = this.addClass(h, sup);
    const ms = slotOf(h, oop, C_METHODS);
    if (!isSmall(ms) && fmtOf(h, ms) === FMT_ARRAY) {
      const n = sizeOf(h, ms);
      for (let i = 0; i < n; i++) {
        const m = slotOf(h, ms, i);
        if (isSmall(m) || fmtOf(h, m) !== FMT_METHOD) continue;
        const sel = textAt(h, slotOf(h, m, M_SIGNATURE));
        if (sel === null) continue;
        const sid = this.selectorId(sel);
        info.own.set(sid, this.methodId(id, sid));
        this.scanCode(h, m);
      }
    }
    // a class linked later invalidates nothing already flattened: only it and its subclasses are new
    return id;
  }

  /**
   * Define a class by hand (tests, what-if tables): its own selectors, its
   * superclass by name (already defined, or null).  Answers its id.
   */
  define(name: string, superName: string | null, selectors: readonly string[], instanceCount = 0): number {
    if (this.classByName.has(name)) throw new Error(`class ${name} is already defined`);
    const sup = superName === null ? -1 : this.classByName.get(superName);
    if (sup === undefined) throw new Error(`superclass ${superName} of ${name} is not defined`);
    const id = this.classes.length;
    this.classes.push({ id, name, superId: sup, own: new Map(), instanceBytes: 0, instanceCount });
    this.classByName.set(name, id);
    this.flat.push(null);
    for (const s of selectors) {
      const sid = this.selectorId(s);
      this.classes[id].own.set(sid, this.methodId(id, sid));
    }
    return id;
  }

  /** Count send instructions of method `m` (and its block methods); note the selectors sent. */
  private scanCode(h: HeapView, m: number): void {
    const code = slotOf(h, m, M_BYTECODE);
    const lits = slotOf(h, m, M_LITERALS);
    const hasLits = !isSmall(lits) && fmtOf(h, lits) === FMT_ARRAY;
    const lit = (i: number): number => (hasLits && i < sizeOf(h, lits) ? slotOf(h, lits, i) : 1);
    if (!isSmall(code) && fmtOf(h, code) === FMT_BYTES) {
      const b = h.bytes(code + HEADER_BYTES, sizeOf(h, code));
      let pc = 0;
      while (pc < b.length) {
        const op = b[pc];
        if (op >= OP_COUNT || OP_NAMES[op] === "") break;   // not bytecode we know: stop scanning this method
        if (op === OP_SEND || op === OP_SUPER_SEND || op === OP_SEND_W || op === OP_SUPER_SEND_W) {
          const wide = op === OP_SEND_W || op === OP_SUPER_SEND_W;
          const li = wide ? b[pc + 1] | (b[pc + 2] << 8) : b[pc + 1];
          const s = textAt(h, lit(li));
          if (s !== null) this.sentSelectors.add(this.selectorId(s));
          this.staticSendSites++;
        } else if (op >= OP_SPECIAL_FIRST && op <= OP_SPECIAL_LAST) {
          this.sentSelectors.add(this.selectorId(SPECIAL_SELECTORS[op - OP_SPECIAL_FIRST]));
          this.staticSendSites++;
        }
        pc += instructionLength(op);
      }
    }
    if (hasLits) {
      const n = sizeOf(h, lits);
      for (let i = 0; i < n; i++) {
        const l = slotOf(h, lits, i);
        // block methods: signature nil, held as literals
        if (!isSmall(l) && fmtOf(h, l) === FMT_METHOD && textAt(h, slotOf(h, l, M_SIGNATURE)) === null) this.scanCode(h, l);
      }
    }
  }

  /** The method class `cid` answers for `sid` (inherited included), -1 = not understood. */
  lookup(cid: number, sid: number): number {
    return this.flatten(cid).get(sid) ?? -1;
  }

  /** Every selector `cid` understands → method (the copy-down view of the class). */
  flatten(cid: number): Map<number, number> {
    let f = this.flat[cid];
    if (f === null) {
      const c = this.classes[cid];
      f = c.superId >= 0 ? new Map(this.flatten(c.superId)) : new Map<number, number>();
      for (const [s, m] of c.own) f.set(s, m);
      this.flat[cid] = f;
    }
    return f;
  }

  /** Selectors a table must have a column for: implemented anywhere, or sent by some code. */
  tableSelectors(): number[] {
    const s = new Set<number>(this.sentSelectors);
    for (const c of this.classes) for (const k of c.own.keys()) s.add(k);
    return [...s].sort((a, b) => a - b);
  }

  /** Pairs (class, selector) that are understood: the filled entries of a full table. */
  understoodPairs(): number {
    let n = 0;
    for (const c of this.classes) n += this.flatten(c.id).size;
    return n;
  }
}

/** The universe of an image file's bytes: every class object in address order, instance bytes per class. */
export function universeOfImage(image: Uint8Array): Universe {
  const model = readImage(image);
  const h = viewOf(model.payload);
  const u = new Universe();
  const idOfOop = new Map<number, number>();
  for (const o of model.objects) {
    if (o.format === FMT_CLASS) idOfOop.set(o.oop, u.addClass(h, o.oop));
  }
  for (const o of model.objects) {
    const cid = idOfOop.get(o.classOop);
    if (cid === undefined) continue;
    u.classes[cid].instanceBytes += o.totalBytes;
    u.classes[cid].instanceCount++;
  }
  return u;
}
