// Talc VM module entry: the host API (docs/ARCHITECTURE.md "Exports").
// Exports only; each export delegates to the module that owns the concern.
import { OP_COUNT, OP_PUSH_SELF, OP_PUSH_LOCAL, OP_EQEQ, OP_SEND, OP_RETURN_TOP } from "./isa";
import {
  SO_COUNT, SO_SYSTEM, SO_SEL_INITIALIZE, SO_ENTRY, SO_NIL, SO_CLASS_INTEGER, SO_CLASS_ARRAY, SO_SPECIAL_SELECTORS, SO_CLASS_DOUBLE,
  SO_SYMBOL_TABLE, SO_CLASS_STRING,
  C_FIELDS, M_PRIMITIVE, M_HOLDER, FMT_CLASS, SO_CLASS_OBJECT, SO_TRUE, SO_FALSE, M_BYTECODE, M_LITERALS,
} from "./layout";
import {
  VM, vm_setCurrent, st, stSet, stF, stFSet, so, soSet,
  S_HEAP_START, S_HEAP_END, S_ALLOC, S_OTHER, S_SEMI_BYTES, S_STACK_BASE, S_STACK_LIMIT, S_FP, S_SP,
  S_ROOT_BASE, S_ROOT_SP, S_ROOT_LIMIT, S_CACHE, S_EXIT_STATUS, S_FINISHED, S_ERR_LEN, S_SERIAL, S_HASH_SEED,
  S_GC_COUNT, S_STAT_BC, S_STAT_SENDS, S_START_US, S_RANDOM, S_SCRATCH, S_SCRATCH_CAP, S_ARGS, S_MSG, S_OUT,
  S_NUMBUF, S_SYMBOL_SPARE, S_LINK_LIBRARY, S_FASTMASK, S_RECORD_BYTES, MSG_BYTES, OUT_BYTES, CACHE_ENTRIES,
  ROOT_WORDS, S_DBLMASK, S_SPECIALS, FAST_OBJ_NEQEQ,
} from "./vm";
import { slot, setSlot, obj_size, obj_body, isSmall, smallVal, mem_newArray, mem_newStringFrom, obj_fmt, obj_class, classOf } from "./memory";
import { STACK_RESERVE } from "./frame";
import { link_genesis, link_finishGenesis, link_class } from "./linker";
import { send_general, send_lookup, send_lookupChain, send_flushCache } from "./send";
import { QUICK_TRUE, QUICK_FALSE } from "./frame";
import { interp_run } from "./interp";
import { io_flush } from "./io";
import { host_clockUs } from "./imports";
import { sym_intern } from "./symbols";
import { sys_loadClass } from "./prims_system";
import { msg_set } from "./errors";
import { gc_collect } from "./gc";
import { image_snapshot, image_load } from "./image";
import { vm_scratchGrow } from "./scratch";
import { BITS16 } from "./bits";
import { m16_init, m16_bytesNeeded, m16, M16_HEAP, M16_HEAP_END, M16_ALLOC } from "./mem16";
import { c16_init, c16_bytesNeeded, M16_CODE, M16_SHIFT } from "./codeobj";
import { sym16_init, sym16_text } from "./sym16";
import { image16_load, image16Selectors, image16Symbols, I16E_HEAP, I16E_HEADER, I16E_CRC } from "./image16";
import { strideShiftFor } from "./layout16";
import { msg_reset, msg_lit, msg_int } from "./errors";

// The flash device code (docs/IMAGE-FORMAT.md §8): boot, update and snapshot;
// imports talc.flash_read/flash_erase/flash_program (hosts without flash stub them).
export * from "./flash/api";

export function vm_version(): i32 { return OP_COUNT * 1000 + SO_COUNT; }

// `throw`/assertions end here (asconfig: use abort=vm-as/index/vm_abort).
export function vm_abort(msg: usize, file: usize, line: u32, col: u32): void {
  unreachable();
}

function ensureMemory(end: usize): bool {
  const have = (<usize>memory.size()) << 16;
  if (end <= have) return true;
  const pages = ((end - have + 0xffff) >> 16) as i32;
  return memory.grow(pages) >= 0;
}

// ---- the part of the VM's memory both object memories share ---------------
//
//  base  state record | message buffer | stdout buffer | number buffer (64)
//        | symbol spare (256) | method cache | root stack | frame stack
//        (stackBytes + reserve) | ... memory-specific part, then scratch
//
// Both vm_init (32-bit) and vm_init16 lay these out the same way from `base`.

/** First 64-aligned address after the shared part for a frame stack of stackBytes. */
function sharedEnd(base: usize, stackBytes: i32): usize {
  const end = base + S_RECORD_BYTES + MSG_BYTES + OUT_BYTES + 64 + 256 + CACHE_ENTRIES * 12 + ROOT_WORDS * 4
    + (stackBytes as usize) + STACK_RESERVE + 64;
  return (end + 63) & ~63;
}

/** Record the shared buffers and the initial registers of the (current, zeroed) record at `base`. */
function initShared(base: usize, stackBytes: i32, scratch: usize, scratchCap: usize): void {
  let p: usize = base + S_RECORD_BYTES;
  const msg = p; p += MSG_BYTES;
  const out = p; p += OUT_BYTES;
  const numbuf = p; p += 64;
  const spare = p; p += 256;
  const cache = p; p += CACHE_ENTRIES * 12;
  const roots = p; p += ROOT_WORDS * 4;
  const stack = p;
  stSet(S_STACK_BASE, stack);
  stSet(S_STACK_LIMIT, stack + stackBytes);
  stSet(S_FP, 0);
  stSet(S_SP, stack);
  stSet(S_ROOT_BASE, roots);
  stSet(S_ROOT_SP, roots);
  stSet(S_ROOT_LIMIT, roots + ROOT_WORDS * 4);
  stSet(S_CACHE, cache);
  stSet(S_MSG, msg);
  stSet(S_OUT, out);
  stSet(S_NUMBUF, numbuf);
  stSet(S_SYMBOL_SPARE, spare);
  stSet(S_SCRATCH, scratch);
  stSet(S_SCRATCH_CAP, scratchCap);
  stSet(S_HASH_SEED, 0x2545f491);
  stSet(S_SERIAL, 1);
  store<u64>(numbuf + 56, 0x9e3779b97f4a7c15);
  stSet(S_RANDOM, numbuf + 56);
  stFSet(S_START_US, host_clockUs());
  send_flushCache();
}

/** Set up one VM: heapBytes is the total of both semispaces.  0 = ok, -1 = no memory. */
export function vm_init(heapBytes: i32, stackBytes: i32): i32 {
  if (BITS16) return heapBytes < 4096 || stackBytes < 16384 ? -1 : vm_init16(heapBytes, stackBytes);
  if (heapBytes < 65536 || stackBytes < 16384) return -1;
  const base: usize = (__heap_base + 63) & ~63;
  const semi = ((heapBytes as u32) >> 1) & ~63;
  let p: usize = sharedEnd(base, stackBytes);
  const heapA = p; p += semi;
  const heapB = p; p += semi;
  const scratch = p;
  const scratchCap: usize = 65536;
  if (!ensureMemory(scratch + scratchCap)) return -1;
  vm_setCurrent(base);
  memory.fill(base, 0, S_RECORD_BYTES);
  stSet(S_HEAP_START, heapA);
  stSet(S_HEAP_END, heapA + semi);
  stSet(S_ALLOC, heapA);
  stSet(S_OTHER, heapB);
  stSet(S_SEMI_BYTES, semi);
  initShared(base, stackBytes, scratch, scratchCap);
  return 0;
}

/**
 * 16-bit memory (docs/16-BIT.md): the same record, buffers and frame stack
 * (at most STACK16_MAX bytes; closures name their home by activation serial,
 * not by address, so the encoding does not bound it),
 * then the 16-bit object memory (mem16.ts: tables + heapBytes of heap), a
 * bigint scratch area (S_OTHER), and the scratch buffer.  The code objects
 * are placed at load time (their size depends on the image's selectors).
 */
/** Largest 16-bit frame stack: 1 MiB, room for more than 20 000 activations of a one-argument method. */
const STACK16_MAX: i32 = 1024 * 1024;
function vm_init16(heapBytes: i32, stackBytes: i32): i32 {
  if (stackBytes > STACK16_MAX) stackBytes = STACK16_MAX;
  const base: usize = (__heap_base + 63) & ~63;
  let p: usize = sharedEnd(base, stackBytes);
  const mem = p; p += m16_bytesNeeded(heapBytes as u32);
  p = (p + 63) & ~63;
  const otherBytes: usize = max<usize>(65536, (heapBytes as usize) >> 2);
  const other = p; p += otherBytes;
  const scratch = p;
  const scratchCap: usize = 65536;
  if (!ensureMemory(scratch + scratchCap)) return -1;
  vm_setCurrent(base);
  memory.fill(base, 0, S_RECORD_BYTES);
  m16_init(mem, heapBytes as u32);
  stSet(S_HEAP_START, m16(M16_HEAP));
  stSet(S_HEAP_END, m16(M16_HEAP_END));
  stSet(S_ALLOC, m16(M16_HEAP));
  stSet(S_OTHER, other);
  stSet(S_SEMI_BYTES, heapBytes);
  initShared(base, stackBytes, scratch, scratchCap);
  return 0;
}

/** 16-bit: load an image written by `talc build --bits 16`, place the code objects, start symbols. */
function vm_loadImage16(ptr: usize, len: i32): i32 {
  const r = image16_load(ptr, len);
  if (r < 0) {
    msg_reset();
    if (r == I16E_HEAP) msg_lit("the 16-bit image needs a larger heap (--heap)");
    else if (r == I16E_HEADER) msg_lit("not a 16-bit Talc image (magic, word size or length)");
    else if (r == I16E_CRC) msg_lit("CRC-32 mismatch (corrupt image)");
    else { msg_lit("corrupt 16-bit image (check "); msg_int(-r); msg_lit(" failed: tables, objects or pointers)"); }
    return -1;
  }
  stSet(S_SPECIALS, r as u32);
  // code objects where the scratch buffer was (the image bytes are no longer needed); scratch moves after them
  const shift = strideShiftFor(max<i32>(1, image16Selectors));
  const code = ((st(S_SCRATCH) as usize) + 63) & ~63;
  const end = code + (c16_bytesNeeded(shift) as usize);
  if (!ensureMemory(end + 65536)) { msg_reset(); msg_lit("image refused: no memory for the code objects"); return -1; }
  c16_init(code, shift, image16Selectors, so(SO_NIL), so(SO_CLASS_INTEGER));
  stSet(S_SCRATCH, end as u32);
  stSet(S_SCRATCH_CAP, 65536);
  sym16_init(so(SO_SYMBOL_TABLE), image16Symbols, so(SO_CLASS_STRING), so(SO_CLASS_ARRAY));
  computeFastMask();
  return 0;
}

/** Scratch buffer of at least `len` bytes (host <-> VM).  Its address may change between calls. */
export function vm_scratch(len: i32): usize { return vm_scratchGrow(len as u32); }

// The 16-bit VM runs images only: classes are linked by the 32-bit VM and
// laid out by host-tools/image/image16.ts (docs/16-BIT.md).
const NO_LINK16 = "the 16-bit VM cannot link classes: build the program into the image (talc build --bits 16)";

export function vm_genesis(): i32 {
  if (BITS16) { msg_set(NO_LINK16); return -1; }
  return link_genesis();
}

export function vm_linkClass(ptr: usize, len: i32): i32 {
  if (BITS16) { msg_set(NO_LINK16); return -1; }
  return link_class(ptr, len);
}

/** 1: vm_linkClass binds new classes into the library (image building); 0: into the globals. */
export function vm_setLinkTarget(library: i32): void { stSet(S_LINK_LIBRARY, library != 0 ? 1 : 0); }

// Expected primitive number per special selector index; -1: a SOM method of Integer itself.
const FAST_INT_PRIMS: StaticArray<i32> = [40, 41, 42, 43, 45, 54, -1, -1, -1, 53, -1, -1, -1, 47];
const FAST_ARRAY_PRIMS: StaticArray<i32> = [85, 86, 87];
const FAST_DBL_PRIMS: StaticArray<i32> = [60, 61, 62, -1, 64, 71, -1, -1, -1, 70];

/** Recompute which special sends may take their SmallInteger/Array fast paths (see interp.ts). */
function computeFastMask(): void {
  const sels = so(SO_SPECIAL_SELECTORS);
  const intCls = so(SO_CLASS_INTEGER);
  const arrCls = so(SO_CLASS_ARRAY);
  let mask: u32 = 0;
  for (let k = 0; k < 14; k++) {
    const m = send_lookup(intCls, slot(sels, k));
    if (m == 0) continue;
    const want = unchecked(FAST_INT_PRIMS[k]);
    if (want > 0 ? smallVal(slot(m, M_PRIMITIVE)) == want : slot(m, M_HOLDER) == intCls) mask |= 1 << k;
  }
  for (let k = 0; k < 3; k++) {
    const m = send_lookup(arrCls, slot(sels, 17 + k));
    if (m != 0 && smallVal(slot(m, M_PRIMITIVE)) == unchecked(FAST_ARRAY_PRIMS[k])) mask |= 1 << (17 + k);
  }
  if (!BITS16 && objNeqeqIsKernelShaped(sels)) mask |= FAST_OBJ_NEQEQ;
  stSet(S_FASTMASK, mask);
  // Double: + - * % < = bound to primitives 60 61 62 64 71 70
  const dblCls = so(SO_CLASS_DOUBLE);
  let dm: u32 = 0;
  for (let k = 0; k < 10; k++) {
    const want = unchecked(FAST_DBL_PRIMS[k]);
    if (want <= 0) continue;
    const m = send_lookup(dblCls, slot(sels, k));
    if (m != 0 && smallVal(slot(m, M_PRIMITIVE)) == want) dm |= 1 << k;
  }
  stSet(S_DBLMASK, dm);
}

/**
 * FAST_OBJ_NEQEQ: may `a ~= b` answer identity inline when the method found
 * for a's class is Object's own ~= (interp.ts OP_NEQEQ)?  Yes only when that
 * method is exactly the kernel's `~= other = ( ^(self == other) not )`:
 *   push_self, push_local 0, send_eqeq, send k 0, return_top
 * and the selector it sends (literal k, #not) answers the source-bound false
 * for the true object and true for the false object (quick methods
 * QUICK_FALSE / QUICK_TRUE).  Then, for a receiver whose `==` is the Object>>==
 * primitive (identity for a non-number, checked per send), the method answers
 * srcFalse when a and b are identical and srcTrue otherwise.  A library whose
 * Object>>~= is written any other way (the stand-in's ifTrue: form, another
 * selector, more bytecodes) keeps the real send.
 */
function objNeqeqIsKernelShaped(sels: u32): bool {
  const nil = so(SO_NIL);
  const objCls = so(SO_CLASS_OBJECT);
  const m = send_lookupChain(objCls, slot(sels, 12));
  if (m == 0 || slot(m, M_HOLDER) != objCls) return false;
  const code = slot(m, M_BYTECODE);
  const lits = slot(m, M_LITERALS);
  if (code == nil || lits == nil || obj_size(code) != 8) return false;
  const p = obj_body(code);
  if (load<u8>(p) != OP_PUSH_SELF || load<u8>(p, 1) != OP_PUSH_LOCAL || load<u8>(p, 2) != 0 ||
      load<u8>(p, 3) != OP_EQEQ || load<u8>(p, 4) != OP_SEND || load<u8>(p, 6) != 0 || load<u8>(p, 7) != OP_RETURN_TOP) return false;
  const k = load<u8>(p, 5) as u32;
  if (k >= obj_size(lits)) return false;
  const notSel = slot(lits, k);
  const mt = send_lookupChain(classOf(so(SO_TRUE)), notSel);
  const mf = send_lookupChain(classOf(so(SO_FALSE)), notSel);
  return mt != 0 && mf != 0 && smallVal(slot(mt, M_PRIMITIVE)) == QUICK_FALSE && smallVal(slot(mf, M_PRIMITIVE)) == QUICK_TRUE &&
    slot(mt, M_BYTECODE) != nil && slot(mf, M_BYTECODE) != nil;
}

export function vm_finishGenesis(): i32 {
  if (BITS16) { msg_set(NO_LINK16); return -1; }
  const r = link_finishGenesis();
  if (r != 0) return r;
  computeFastMask();
  return 0;
}

/** Append a program argument (bytes at ptr, usually vm_scratch). */
export function vm_pushArg(ptr: usize, len: i32): i32 {
  const s = mem_newStringFrom(ptr, len);
  if (s == 0) return -1;
  const old = st(S_ARGS);
  const n = old == 0 ? 0 : obj_size(old) as i32;
  stSet(S_ARGS, old);
  // keep s alive across the array allocation
  const sp = st(S_SP);
  store<u32>(sp, s);
  stSet(S_SP, sp + 4);
  const a = mem_newArray(n + 1);
  stSet(S_SP, sp);
  if (a == 0) return -1;
  const o2 = st(S_ARGS);
  for (let i = 0; i < n; i++) setSlot(a, i, slot(o2, i));
  setSlot(a, n, load<u32>(sp));
  stSet(S_ARGS, a);
  return 0;
}

/** Send `system initialize: arguments` (the arguments pushed so far). */
export function vm_startMain(): i32 {
  if (st(S_ARGS) == 0) {
    const a = mem_newArray(0);
    if (a == 0) return -1;
    stSet(S_ARGS, a);
  }
  const rs = st(S_STACK_BASE);
  stSet(S_FP, 0);
  store<u32>(rs, so(SO_SYSTEM));
  store<u32>(rs + 4, st(S_ARGS));
  stSet(S_SP, rs + 8);
  stSet(S_ARGS, 0);
  send_general(rs, so(SO_SEL_INITIALIZE), 1, 0);
  io_flush();
  return st(S_FINISHED) != 0 ? 1 : 0;
}

/** Run up to `budget` bytecodes: 0 = more to do, 1 = finished (see vm_exitStatus). */
export function vm_run(budget: i32): i32 {
  if (st(S_FINISHED) != 0) return 1;
  if (st(S_FP) == 0) return 1;
  const r = interp_run(budget);
  io_flush();
  return r;
}

export function vm_exitStatus(): i32 { return st(S_EXIT_STATUS) as i32; }
export function vm_errorText(): usize { return st(S_MSG) as usize; }
export function vm_errorTextLength(): i32 { return st(S_ERR_LEN) as i32; }
export function vm_statBytecodes(): f64 { return stF(S_STAT_BC); }
export function vm_statSends(): f64 { return stF(S_STAT_SENDS); }
export function vm_heapUsed(): i32 {
  if (BITS16) return (m16(M16_ALLOC) - m16(M16_HEAP)) as i32;
  return (st(S_ALLOC) - st(S_HEAP_START)) as i32;
}
export function vm_gcCount(): i32 { return st(S_GC_COUNT) as i32; }
export function vm_fullGC(): void { gc_collect(); }

/** System>>load: from the host: global, library, or load_class.  Class oop, 0 = none, -1 = failed. */
export function vm_loadClassByName(ptr: usize, len: i32): i32 {
  const sym = sym_intern(ptr, len);
  if (sym == 0) return -1;
  return sys_loadClass(sym);
}

/** The class of an object (for a class: its metaclass). */
export function vm_classOf(oop: i32): i32 {
  const o = oop as u32;
  if (isSmall(o)) return so(SO_CLASS_INTEGER) as i32;
  return obj_class(o) as i32;
}

/** All instance field names of a class (metaclass: class-side names), '\n'-separated, into scratch. */
export function vm_classFieldNames(classOop: i32): i32 {
  const c = classOop as u32;
  if (isSmall(c) || obj_fmt(c) != FMT_CLASS) return -1;
  const f = slot(c, C_FIELDS);
  const n = obj_size(f) as i32;
  let len = 0;
  for (let i = 0; i < n; i++) len += (obj_size(slot(f, i)) as i32) + 1;
  const out = vm_scratch(len);
  if (out == 0) return -1;
  const f2 = slot(classOop as u32, C_FIELDS);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const s = slot(f2, i);
    if (i > 0) { store<u8>(out + p, 10); p++; }
    const k = obj_size(s) as i32;
    memory.copy(out + p, obj_body(s), k);
    p += k;
  }
  return p;
}

/** Set SO_ENTRY (the main class name of a built image) from bytes at ptr. */
export function vm_setEntry(ptr: usize, len: i32): i32 {
  const sym = sym_intern(ptr, len);
  if (sym == 0) return -1;
  soSet(SO_ENTRY, sym);
  return 0;
}

/** Write SO_ENTRY's text into scratch; its length, or -1 when there is none. */
export function vm_entry(): i32 {
  let e = so(SO_ENTRY);
  if (e == so(SO_NIL)) return -1;
  if (BITS16) { e = sym16_text(smallVal(e)); if (e == 0) return -1; }   // a Symbol is its number
  const n = obj_size(e) as i32;
  const out = vm_scratch(n);
  memory.copy(out, obj_body(BITS16 ? sym16_text(smallVal(so(SO_ENTRY))) : so(SO_ENTRY)), n);
  return n;
}

/** Write an image of the heap into scratch (after a full collection); its length. */
export function vm_snapshot(): i32 {
  if (BITS16) { msg_set("the 16-bit VM does not write images yet"); return -1; }
  return image_snapshot();
}

/** Load an image (bytes at ptr, e.g. scratch).  0 = ok, < 0 = refused (vm_errorText). */
export function vm_loadImage(ptr: usize, len: i32): i32 {
  if (BITS16) return vm_loadImage16(ptr, len);
  const r = image_load(ptr, len);
  if (r == 0) computeFastMask();
  return r;
}

/** 16-bit VM: address of the code objects (page 0's) and log2 of their stride; 0 in the 32-bit VM (docs/16-BIT.md). */
export function vm_codeBase16(): i32 { return BITS16 ? m16(M16_CODE) as i32 : 0; }
export function vm_codeShift16(): i32 { return BITS16 ? m16(M16_SHIFT) as i32 : 0; }
