// Image reader for `talc inspect` (and `talc run app.img`'s entry class):
// decodes and checks a VM image with the constants of vm-as/layout.ts, never
// with its own copy of them.
//
// File = 32-byte header (layout.ts IH_*) + payload.  The payload is the heap
// from its first object; every oop in it is heap-relative (an object's oop is
// its byte offset in the payload), so payload offset = oop.
//
//   payload  +--------+------+------+----------------+--------+ ...
//            | class  | bits | size | body (size slots or size bytes, padded to 4)
//            +--------+------+------+----------------+--------+ ...
//            ^ oop of the first object = 0
//
// Every check failure is an ImageFormatError with the FILE offset of the
// offending bytes and a reason; nothing else escapes for any input bytes.
import {
  HEADER_BYTES, H_BITS, H_CLASS, H_SIZE, FORMAT_MASK, HASH_SHIFT,
  FMT_FIXED, FMT_ARRAY, FMT_STRING, FMT_SYMBOL, FMT_BIGPOS, FMT_BIGNEG, FMT_DOUBLE, FMT_BYTES,
  FMT_METHOD, FMT_CLOSURE, FMT_CLASS, isPointerFormat,
  C_NAME, C_METHODS, M_BYTECODE, M_DEBUG, M_LITERALS,
  SO_GLOBALS, SO_LIBRARY, SO_ENTRY, SO_NIL, SO_COUNT,
  IMAGE_MAGIC, IMAGE_VERSION, IMAGE_HEADER_BYTES,
  IH_MAGIC, IH_VERSION, IH_WORD_BITS, IH_FLAGS, IH_HEADER_BYTES, IH_OBJECT_COUNT,
  IH_HEAP_USED, IH_SPECIAL_OBJECTS, IH_HEAP_WANTED, IH_CRC32,
} from "../../vm-as/layout.js";

/** A corrupt or foreign image: `offset` is a byte offset in the file. */
export class ImageFormatError extends Error {
  readonly offset: number;
  readonly reason: string;
  constructor(offset: number, reason: string) {
    super(`at byte ${offset}: ${reason}`);
    this.name = "ImageFormatError";
    this.offset = offset;
    this.reason = reason;
  }
}

export interface ImageObject {
  /** Oop = byte offset in the payload. */
  oop: number;
  classOop: number;
  format: number;
  flags: number;
  hash: number;
  /** Slots (pointer formats) or bytes (byte formats). */
  size: number;
  /** Header + body rounded up to 4 bytes. */
  totalBytes: number;
}

export interface ImageHeader {
  version: number;
  wordBits: number;
  flags: number;
  headerBytes: number;
  objectCount: number;
  heapUsed: number;
  specialObjects: number;
  heapWanted: number;
  crc32: number;
}

export interface ImageModel {
  header: ImageHeader;
  payload: Uint8Array;
  objects: ImageObject[];
  byOop: Map<number, ImageObject>;
}

// ---- CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320) -----------------------
let crcTable: Uint32Array | null = null;

export function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const FORMAT_NAMES: string[] = [
  "fixed", "array", "string", "symbol", "bigpos", "bigneg", "double", "bytes", "method", "closure", "class",
];

function hex(n: number): string {
  return "0x" + (n >>> 0).toString(16).padStart(8, "0");
}

function isSmallInt(oop: number): boolean {
  return (oop & 1) === 1;
}

/** Bytes an object occupies: header + body padded to a multiple of 4. */
function objectBytes(format: number, size: number): number {
  const body = isPointerFormat(format) ? size * 4 : size;
  return HEADER_BYTES + ((body + 3) & ~3);
}

/** Decode and check the 32-byte header. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length < IMAGE_HEADER_BYTES) {
    throw new ImageFormatError(0, `the file is ${bytes.length} bytes, shorter than the ${IMAGE_HEADER_BYTES}-byte image header`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(IH_MAGIC, true) !== (IMAGE_MAGIC >>> 0)) {
    throw new ImageFormatError(IH_MAGIC, "bad magic: not a Talc image (expected \"TALC\")");
  }
  const h: ImageHeader = {
    version: dv.getUint16(IH_VERSION, true),
    wordBits: dv.getUint8(IH_WORD_BITS),
    flags: dv.getUint8(IH_FLAGS),
    headerBytes: dv.getUint32(IH_HEADER_BYTES, true),
    objectCount: dv.getUint32(IH_OBJECT_COUNT, true),
    heapUsed: dv.getUint32(IH_HEAP_USED, true),
    specialObjects: dv.getUint32(IH_SPECIAL_OBJECTS, true),
    heapWanted: dv.getUint32(IH_HEAP_WANTED, true),
    crc32: dv.getUint32(IH_CRC32, true),
  };
  if (h.version !== IMAGE_VERSION) {
    throw new ImageFormatError(IH_VERSION, `image format version ${h.version}, but this Talc reads version ${IMAGE_VERSION} (rebuild the image with 'talc build')`);
  }
  if (h.wordBits !== 32) {
    throw new ImageFormatError(IH_WORD_BITS, `${h.wordBits}-bit image, but this Talc reads 32-bit images`);
  }
  if (h.headerBytes !== IMAGE_HEADER_BYTES) {
    throw new ImageFormatError(IH_HEADER_BYTES, `header size ${h.headerBytes}, expected ${IMAGE_HEADER_BYTES}`);
  }
  if (h.heapUsed % 4 !== 0) {
    throw new ImageFormatError(IH_HEAP_USED, `heap size ${h.heapUsed} is not a multiple of 4`);
  }
  const payloadBytes = bytes.length - IMAGE_HEADER_BYTES;
  if (payloadBytes < h.heapUsed) {
    throw new ImageFormatError(bytes.length, `truncated: the header announces ${h.heapUsed} heap bytes but the file holds ${payloadBytes}`);
  }
  if (payloadBytes > h.heapUsed) {
    throw new ImageFormatError(IMAGE_HEADER_BYTES + h.heapUsed, `${payloadBytes - h.heapUsed} stray bytes after the ${h.heapUsed}-byte heap`);
  }
  if (h.heapWanted < h.heapUsed) {
    throw new ImageFormatError(IH_HEAP_WANTED, `wanted heap ${h.heapWanted} is smaller than the ${h.heapUsed} bytes in use`);
  }
  const actual = crc32(bytes.subarray(IMAGE_HEADER_BYTES));
  if (actual !== h.crc32) {
    throw new ImageFormatError(IH_CRC32, `CRC-32 mismatch: the header says ${hex(h.crc32)}, the payload gives ${hex(actual)} (the image is damaged)`);
  }
  return h;
}

/**
 * Decode and check a whole image: header, then every object header, then
 * every class word and pointer slot (must be a SmallInteger or the oop of an
 * object in the image).
 */
export function readImage(bytes: Uint8Array): ImageModel {
  const header = readImageHeader(bytes);
  const payload = bytes.subarray(IMAGE_HEADER_BYTES, IMAGE_HEADER_BYTES + header.heapUsed);
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const objects: ImageObject[] = [];
  const byOop = new Map<number, ImageObject>();
  const at = (oop: number): number => IMAGE_HEADER_BYTES + oop;

  // Pass 1: object headers tile the payload exactly.
  let p = 0;
  while (p < header.heapUsed) {
    if (p + HEADER_BYTES > header.heapUsed) {
      throw new ImageFormatError(at(p), `object header runs past the end of the heap (${header.heapUsed} bytes)`);
    }
    const bits = dv.getUint32(p + H_BITS, true);
    const format = bits & FORMAT_MASK;
    if (format > FMT_CLASS) throw new ImageFormatError(at(p + H_BITS), `object ${p}: unknown format ${format}`);
    const size = dv.getUint32(p + H_SIZE, true);
    const total = objectBytes(format, size);
    if (size > header.heapUsed || p + total > header.heapUsed) {
      throw new ImageFormatError(at(p + H_SIZE), `object ${p}: size ${size} runs past the end of the heap`);
    }
    const obj: ImageObject = {
      oop: p,
      classOop: dv.getUint32(p + H_CLASS, true),
      format,
      flags: bits & ~FORMAT_MASK & ((1 << HASH_SHIFT) - 1),
      hash: bits >>> HASH_SHIFT,
      size,
      totalBytes: total,
    };
    objects.push(obj);
    byOop.set(p, obj);
    p += total;
  }
  if (objects.length !== header.objectCount) {
    throw new ImageFormatError(IH_OBJECT_COUNT, `the header announces ${header.objectCount} objects but the heap holds ${objects.length}`);
  }

  // Pass 2: references.
  for (const o of objects) {
    const cls = byOop.get(o.classOop);
    if (isSmallInt(o.classOop) || cls === undefined || cls.format !== FMT_CLASS) {
      throw new ImageFormatError(at(o.oop + H_CLASS), `object ${o.oop}: class word ${hex(o.classOop)} is not a class in the image`);
    }
    if (isPointerFormat(o.format)) {
      for (let i = 0; i < o.size; i++) {
        const off = o.oop + HEADER_BYTES + 4 * i;
        const v = dv.getUint32(off, true);
        if (!isSmallInt(v) && !byOop.has(v)) {
          throw new ImageFormatError(at(off), `object ${o.oop} slot ${i}: ${hex(v)} is neither a SmallInteger nor an object`);
        }
      }
    }
  }
  const so = byOop.get(header.specialObjects);
  if (so === undefined || so.format !== FMT_ARRAY || so.size < SO_COUNT) {
    throw new ImageFormatError(IH_SPECIAL_OBJECTS, `special objects ${hex(header.specialObjects)} is not an Array of at least ${SO_COUNT} slots`);
  }
  return { header, payload, objects, byOop };
}

// ---- Navigation ---------------------------------------------------------------

export function slot(m: ImageModel, obj: ImageObject, i: number): number {
  return new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(obj.oop + HEADER_BYTES + 4 * i, true);
}

export function objectAt(m: ImageModel, oop: number): ImageObject | null {
  if (isSmallInt(oop)) return null;
  return m.byOop.get(oop) ?? null;
}

export function specialObject(m: ImageModel, index: number): number {
  return slot(m, m.byOop.get(m.header.specialObjects)!, index);
}

/** Text of a String or Symbol object, or null. */
export function textOf(m: ImageModel, oop: number): string | null {
  const o = objectAt(m, oop);
  if (o === null || (o.format !== FMT_STRING && o.format !== FMT_SYMBOL)) return null;
  const start = o.oop + HEADER_BYTES;
  return new TextDecoder().decode(m.payload.subarray(start, start + o.size));
}

/** The name of a class object (C_NAME), or null. */
export function classNameOf(m: ImageModel, classOop: number): string | null {
  const c = objectAt(m, classOop);
  if (c === null || c.format !== FMT_CLASS || c.size <= C_NAME) return null;
  return textOf(m, slot(m, c, C_NAME));
}

/** The entry class of a built image (SO_ENTRY), or null. */
export function entryClassName(m: ImageModel): string | null {
  const nil = specialObject(m, SO_NIL);
  const e = specialObject(m, SO_ENTRY);
  return e === nil ? null : textOf(m, e);
}

// ---- Summary for `talc inspect` ----------------------------------------------

export interface ClassSummary {
  name: string;
  instanceMethods: number;
  classMethods: number;
}

export interface ImageSummary {
  header: ImageHeader;
  fileBytes: number;
  entry: string | null;
  bound: ClassSummary[];
  library: ClassSummary[];
  /** Section name → bytes (header + body), in display order. */
  sections: [string, number][];
  /** Objects per format name. */
  formats: [string, number][];
}

function arrayLength(m: ImageModel, oop: number): number {
  const o = objectAt(m, oop);
  return o !== null && o.format === FMT_ARRAY ? o.size : 0;
}

function summarizeClass(m: ImageModel, cls: ImageObject): ClassSummary {
  const meta = objectAt(m, cls.classOop);
  return {
    name: classNameOf(m, cls.oop) ?? "?",
    instanceMethods: arrayLength(m, slot(m, cls, C_METHODS)),
    classMethods: meta !== null && meta.format === FMT_CLASS ? arrayLength(m, slot(m, meta, C_METHODS)) : 0,
  };
}

/** Classes found in a hash table Array whose entries are bindings (key, value) or classes. */
function classesIn(m: ImageModel, tableOop: number): ClassSummary[] {
  const table = objectAt(m, tableOop);
  if (table === null || table.format !== FMT_ARRAY) return [];
  const out: ClassSummary[] = [];
  const seen = new Set<number>();
  const consider = (oop: number): void => {
    const o = objectAt(m, oop);
    if (o === null || o.format !== FMT_CLASS || seen.has(o.oop)) return;
    const name = classNameOf(m, o.oop);
    if (name === null || name.endsWith(" class")) return;
    seen.add(o.oop);
    out.push(summarizeClass(m, o));
  };
  for (let i = 0; i < table.size; i++) {
    const e = objectAt(m, slot(m, table, i));
    if (e === null) continue;
    if (e.format === FMT_CLASS) consider(e.oop);
    else if (e.format === FMT_ARRAY && e.size === 2) consider(slot(m, e, 1));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export const SECTION_NAMES = [
  "classes", "methods", "bytecode", "debug line tables", "literals/strings/symbols",
  "large ints/doubles", "arrays", "other",
] as const;

export function summarizeImage(m: ImageModel, fileBytes: number): ImageSummary {
  // Byte objects referenced from methods are bytecode or line tables.
  const role = new Map<number, string>();
  for (const o of m.objects) {
    if (o.format !== FMT_METHOD) continue;
    if (o.size > M_BYTECODE) role.set(slot(m, o, M_BYTECODE), "bytecode");
    if (o.size > M_DEBUG) role.set(slot(m, o, M_DEBUG), "debug line tables");
    if (o.size > M_LITERALS) role.set(slot(m, o, M_LITERALS), "literals/strings/symbols");
  }
  const sections = new Map<string, number>(SECTION_NAMES.map((n) => [n, 0]));
  const formats = new Map<string, number>();
  for (const o of m.objects) {
    let s: string;
    switch (o.format) {
      case FMT_CLASS: s = "classes"; break;
      case FMT_METHOD: s = "methods"; break;
      case FMT_STRING: case FMT_SYMBOL: s = "literals/strings/symbols"; break;
      case FMT_BIGPOS: case FMT_BIGNEG: case FMT_DOUBLE: s = "large ints/doubles"; break;
      case FMT_BYTES: s = role.get(o.oop) ?? "other"; break;
      case FMT_ARRAY: s = role.get(o.oop) ?? "arrays"; break;
      case FMT_FIXED: case FMT_CLOSURE: default: s = "other"; break;
    }
    sections.set(s, (sections.get(s) ?? 0) + o.totalBytes);
    const f = FORMAT_NAMES[o.format];
    formats.set(f, (formats.get(f) ?? 0) + 1);
  }
  return {
    header: m.header,
    fileBytes,
    entry: entryClassName(m),
    bound: classesIn(m, specialObject(m, SO_GLOBALS)),
    library: classesIn(m, specialObject(m, SO_LIBRARY)),
    sections: [...sections.entries()],
    formats: [...formats.entries()].sort((a, b) => b[1] - a[1]),
  };
}

function plural(n: number, word: string): string {
  const plain = word.endsWith("s") ? word + "es" : word + "s";
  return `${n} ${n === 1 ? word : plain}`;
}

/** The text `talc inspect` prints. */
export function formatSummary(s: ImageSummary, name: string): string {
  const h = s.header;
  const lines: string[] = [];
  const pct = (n: number): string => (h.heapUsed === 0 ? "0.0" : ((100 * n) / h.heapUsed).toFixed(1));
  lines.push(`image ${name}: ${s.fileBytes} bytes`);
  lines.push(`  format version ${h.version}, ${h.wordBits}-bit words, flags ${"0x" + h.flags.toString(16).padStart(2, "0")}, CRC-32 ${hex(h.crc32)} (ok)`);
  lines.push(`  heap: ${h.heapUsed} bytes in use, ${h.heapWanted} bytes wanted at least`);
  lines.push(`  objects: ${h.objectCount}  (${s.formats.map(([f, n]) => `${f} ${n}`).join(", ")})`);
  lines.push(`  entry class: ${s.entry ?? "(none: runs like 'talc run <Main>' with a class name)"}`);
  lines.push("");
  lines.push("bytes per section:");
  for (const [sec, n] of s.sections) lines.push(`  ${sec.padEnd(26)}${String(n).padStart(10)}  ${pct(n).padStart(5)}%`);
  lines.push(`  ${"total".padEnd(26)}${String(h.heapUsed).padStart(10)}`);
  const classTable = (title: string, cs: ClassSummary[]): void => {
    lines.push("");
    lines.push(`${title} (${cs.length}):`);
    const w = Math.max(8, ...cs.map((c) => c.name.length)) + 2;
    for (const c of cs) {
      const im = c.instanceMethods;
      const cm = c.classMethods;
      lines.push(`  ${c.name.padEnd(w)}${String(im).padStart(4)} ${(im === 1 ? "method," : "methods,").padEnd(9)}${String(cm).padStart(3)} ${cm === 1 ? "class method" : "class methods"}`);
    }
  };
  classTable("bound classes (globals)", s.bound);
  classTable("library classes (linked, bound on first use)", s.library);
  const totalMethods = [...s.bound, ...s.library].reduce((a, c) => a + c.instanceMethods + c.classMethods, 0);
  lines.push("");
  lines.push(`${plural(s.bound.length + s.library.length, "class")}, ${plural(totalMethods, "method")}`);
  return lines.join("\n") + "\n";
}
