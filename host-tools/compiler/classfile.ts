// TCF class files: the writer (compiler output) and the reader (disassembler,
// tests, image inspector).  Format: docs/ARCHITECTURE.md "Class files";
// tags and magic: vm-as/layout.ts.  Little-endian throughout.
//
//   u32 magic "TCF1"  u16 version  u16 flags
//   str className  str superclassName  str sourcePath        str = u32 len + UTF-8
//   u16 n str*  (instance fields)   u16 n str* (class fields)
//   u16 n method* (instance side)   u16 n method* (class side)
//
//   method = str selector ("" for blocks) u8 kind u8 nArgs u8 nCopied u8 nTemps
//            u16 maxStack u8 flags  u32 codeLen bytes  u16 nLit literal*
//            u32 nLines (u32 pc, u16 line, u16 column)*
//   literal = u8 tag + payload (LIT_INT i32 | LIT_BIGINT u8 sign u32 n u32 limb*
//            | LIT_DOUBLE f64 | LIT_STRING str | LIT_SYMBOL str
//            | LIT_ARRAY u16 n literal* | LIT_BLOCK method)
import {
  CF_MAGIC, CF_VERSION, LIT_ARRAY, LIT_BIGINT, LIT_BLOCK, LIT_DOUBLE, LIT_INT, LIT_STRING, LIT_SYMBOL,
} from "../../vm-as/layout.js";

export type LiteralModel =
  | { kind: "int"; value: number }
  | { kind: "bigint"; value: bigint }
  | { kind: "double"; value: number }
  | { kind: "string"; value: string }
  | { kind: "symbol"; value: string }
  | { kind: "array"; elements: LiteralModel[] }
  | { kind: "block"; method: MethodModel };

export interface LineEntry {
  pc: number;
  line: number;
  column: number;
}

export const METHOD_KIND_BYTECODE = 0;
export const METHOD_KIND_PRIMITIVE = 1;
export const METHOD_FLAG_BLOCK = 1;
export const METHOD_FLAG_NONLOCAL = 2;

export interface MethodModel {
  /** Selector; "" for block methods. */
  selector: string;
  /** METHOD_KIND_BYTECODE or METHOD_KIND_PRIMITIVE. */
  kind: number;
  nArgs: number;
  nCopied: number;
  /** Locals after args and copied values (declared and hidden temps). */
  nTemps: number;
  maxStack: number;
  /** bit0 block, bit1 contains a non-local return (itself or a nested block). */
  flags: number;
  code: Uint8Array;
  literals: LiteralModel[];
  /** Sorted by pc. */
  lines: LineEntry[];
}

export interface ClassFileModel {
  version: number;
  flags: number;
  className: string;
  /** As written in the source; "Object" when omitted; "nil" for no superclass. */
  superName: string;
  sourcePath: string;
  instanceFields: string[];
  classFields: string[];
  instanceMethods: MethodModel[];
  classMethods: MethodModel[];
}

// ---- writer ---------------------------------------------------------------

const UTF8 = new TextEncoder();

class ByteWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
    this.view = new DataView(nb.buffer);
  }
  u8(v: number): void {
    this.ensure(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }
  u16(v: number): void {
    if (v < 0 || v > 0xffff) throw new Error(`class file: value ${v} does not fit in u16`);
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  str(s: string): void {
    const b = UTF8.encode(s);
    this.u32(b.length);
    this.bytes(b);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Magnitude of a bigint as u32 limbs, least significant first ([] for 0). */
export function bigintLimbs(magnitude: bigint): number[] {
  const limbs: number[] = [];
  let m = magnitude < 0n ? -magnitude : magnitude;
  while (m > 0n) {
    limbs.push(Number(m & 0xffffffffn));
    m >>= 32n;
  }
  return limbs;
}

function writeLiteral(w: ByteWriter, lit: LiteralModel): void {
  switch (lit.kind) {
    case "int":
      w.u8(LIT_INT);
      w.i32(lit.value);
      break;
    case "bigint": {
      w.u8(LIT_BIGINT);
      w.u8(lit.value < 0n ? 1 : 0);
      const limbs = bigintLimbs(lit.value);
      w.u32(limbs.length);
      for (const l of limbs) w.u32(l);
      break;
    }
    case "double":
      w.u8(LIT_DOUBLE);
      w.f64(lit.value);
      break;
    case "string":
      w.u8(LIT_STRING);
      w.str(lit.value);
      break;
    case "symbol":
      w.u8(LIT_SYMBOL);
      w.str(lit.value);
      break;
    case "array":
      w.u8(LIT_ARRAY);
      w.u16(lit.elements.length);
      for (const e of lit.elements) writeLiteral(w, e);
      break;
    case "block":
      w.u8(LIT_BLOCK);
      writeMethod(w, lit.method);
      break;
  }
}

function writeMethod(w: ByteWriter, m: MethodModel): void {
  w.str(m.selector);
  w.u8(m.kind);
  w.u8(m.nArgs);
  w.u8(m.nCopied);
  w.u8(m.nTemps);
  w.u16(m.maxStack);
  w.u8(m.flags);
  w.u32(m.code.length);
  w.bytes(m.code);
  w.u16(m.literals.length);
  for (const l of m.literals) writeLiteral(w, l);
  w.u32(m.lines.length);
  for (const e of m.lines) {
    w.u32(e.pc);
    w.u16(e.line);
    w.u16(e.column);
  }
}

/** Encode a class file. */
export function writeClassFile(m: ClassFileModel): Uint8Array {
  const w = new ByteWriter();
  w.u32(CF_MAGIC);
  w.u16(m.version);
  w.u16(m.flags);
  w.str(m.className);
  w.str(m.superName);
  w.str(m.sourcePath);
  for (const list of [m.instanceFields, m.classFields]) {
    w.u16(list.length);
    for (const f of list) w.str(f);
  }
  for (const list of [m.instanceMethods, m.classMethods]) {
    w.u16(list.length);
    for (const meth of list) writeMethod(w, meth);
  }
  return w.result();
}

// ---- reader ---------------------------------------------------------------

/** A malformed class file (one clear message, never a host stack trace for the user). */
export class ClassFileError extends Error {
  constructor(message: string) {
    super(`class file: ${message}`);
    this.name = "ClassFileError";
  }
}

const UTF8_STRICT = new TextDecoder("utf-8", { fatal: true });

class ByteReader {
  private view: DataView;
  pos = 0;
  constructor(private data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  private need(n: number, what: string): void {
    if (this.pos + n > this.data.length) {
      throw new ClassFileError(`truncated: ${what} at offset ${this.pos} needs ${n} bytes, ${this.data.length - this.pos} left`);
    }
  }
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  str(what: string): string {
    const n = this.u32(what + " length");
    const b = this.bytes(n, what);
    try {
      return UTF8_STRICT.decode(b);
    } catch {
      throw new ClassFileError(`${what} is not valid UTF-8`);
    }
  }
  get remaining(): number {
    return this.data.length - this.pos;
  }
}

const MAX_LITERAL_DEPTH = 64;

function readLiteral(r: ByteReader, depth: number): LiteralModel {
  if (depth > MAX_LITERAL_DEPTH) throw new ClassFileError("literals nested too deeply");
  const tag = r.u8("literal tag");
  switch (tag) {
    case LIT_INT:
      return { kind: "int", value: r.i32("integer literal") };
    case LIT_BIGINT: {
      const sign = r.u8("bigint sign");
      if (sign > 1) throw new ClassFileError(`bad bigint sign ${sign}`);
      const n = r.u32("bigint limb count");
      if (n * 4 > r.remaining) throw new ClassFileError(`truncated: bigint with ${n} limbs`);
      let v = 0n;
      for (let i = 0; i < n; i++) v |= BigInt(r.u32("bigint limb")) << BigInt(32 * i);
      return { kind: "bigint", value: sign === 1 ? -v : v };
    }
    case LIT_DOUBLE:
      return { kind: "double", value: r.f64("double literal") };
    case LIT_STRING:
      return { kind: "string", value: r.str("string literal") };
    case LIT_SYMBOL:
      return { kind: "symbol", value: r.str("symbol literal") };
    case LIT_ARRAY: {
      const n = r.u16("array length");
      const elements: LiteralModel[] = [];
      for (let i = 0; i < n; i++) elements.push(readLiteral(r, depth + 1));
      return { kind: "array", elements };
    }
    case LIT_BLOCK:
      return { kind: "block", method: readMethod(r, depth + 1) };
    default:
      throw new ClassFileError(`unknown literal tag ${tag}`);
  }
}

function readMethod(r: ByteReader, depth: number): MethodModel {
  if (depth > MAX_LITERAL_DEPTH) throw new ClassFileError("blocks nested too deeply");
  const selector = r.str("selector");
  const kind = r.u8("method kind");
  if (kind !== METHOD_KIND_BYTECODE && kind !== METHOD_KIND_PRIMITIVE) throw new ClassFileError(`bad method kind ${kind}`);
  const nArgs = r.u8("nArgs");
  const nCopied = r.u8("nCopied");
  const nTemps = r.u8("nTemps");
  const maxStack = r.u16("maxStack");
  const flags = r.u8("method flags");
  const codeLength = r.u32("code length");
  const code = r.bytes(codeLength, "bytecode");
  const nLit = r.u16("literal count");
  const literals: LiteralModel[] = [];
  for (let i = 0; i < nLit; i++) literals.push(readLiteral(r, depth));
  const nLines = r.u32("line table length");
  if (nLines * 8 > r.remaining) throw new ClassFileError(`truncated: line table of ${nLines} entries`);
  const lines: LineEntry[] = [];
  for (let i = 0; i < nLines; i++) {
    lines.push({ pc: r.u32("line pc"), line: r.u16("line"), column: r.u16("column") });
  }
  return { selector, kind, nArgs, nCopied, nTemps, maxStack, flags, code, literals, lines };
}

/** Decode a class file; throws ClassFileError with one clear message on bad input. */
export function readClassFile(bytes: Uint8Array): ClassFileModel {
  const r = new ByteReader(bytes);
  const magic = r.u32("magic");
  if (magic !== CF_MAGIC) throw new ClassFileError(`bad magic 0x${magic.toString(16)} (expected "TCF1")`);
  const version = r.u16("version");
  if (version !== CF_VERSION) throw new ClassFileError(`version ${version} not supported (this compiler writes version ${CF_VERSION})`);
  const flags = r.u16("flags");
  const className = r.str("class name");
  const superName = r.str("superclass name");
  const sourcePath = r.str("source path");
  const fieldLists: string[][] = [];
  for (const side of ["instance", "class"]) {
    const n = r.u16(`${side} field count`);
    const list: string[] = [];
    for (let i = 0; i < n; i++) list.push(r.str(`${side} field name`));
    fieldLists.push(list);
  }
  const methodLists: MethodModel[][] = [];
  for (const side of ["instance", "class"]) {
    const n = r.u16(`${side} method count`);
    const list: MethodModel[] = [];
    for (let i = 0; i < n; i++) list.push(readMethod(r, 0));
    methodLists.push(list);
  }
  if (r.remaining !== 0) throw new ClassFileError(`${r.remaining} unexpected bytes after the last method`);
  return {
    version, flags, className, superName, sourcePath,
    instanceFields: fieldLists[0], classFields: fieldLists[1],
    instanceMethods: methodLists[0], classMethods: methodLists[1],
  };
}
