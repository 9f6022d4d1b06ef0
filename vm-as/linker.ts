// Genesis, class-file (TCF) linking and finishGenesis.
//
// Genesis builds, with no class file: the special objects array, nil, the
// symbol table, the globals and library dictionaries, and class/metaclass
// shells for GENESIS_CLASS_NAMES (methods = nil marks an unlinked shell).
// Linking a class file whose class is an unlinked shell fills that shell, so
// the classes of VM-created objects are the classes loaded from the class
// path (spec 3.14).  finishGenesis creates true, false and system.
//
// The linker never lets the collector run while it holds oops in locals: it
// first makes sure the heap has room for everything the class file can
// produce (collecting once if needed) and then allocates with S_LINKING set.
import {
  FMT_ARRAY, FMT_CLASS, FMT_FIXED, FMT_STRING, FMT_SYMBOL, FMT_DOUBLE, FMT_BIGPOS, FMT_BIGNEG, FMT_BYTES,
  FMT_METHOD, FMT_CLOSURE, HEADER_BYTES,
  C_SUPERCLASS, C_NAME, C_METHODS, C_FIELDS, C_INSTSPEC, C_DISPATCH, C_FIXED_SLOTS,
  M_SIGNATURE, M_HOLDER, M_BYTECODE, M_LITERALS, M_HEADER, M_PRIMITIVE, M_DEBUG, M_SLOTS,
  MH_NCOPIED_SHIFT, MH_NTEMPS_SHIFT, MH_FLAG_BLOCK, MH_FLAG_NONLOCAL,
  SO_NIL, SO_TRUE, SO_FALSE, SO_SYSTEM, SO_SYMBOL_TABLE, SO_GLOBALS, SO_SPECIAL_SELECTORS, SO_COUNT,
  SO_CLASS_OBJECT, SO_CLASS_CLASS, SO_CLASS_METACLASS, SO_CLASS_NIL, SO_CLASS_ARRAY, SO_CLASS_METHOD,
  SO_CLASS_PRIMITIVE, SO_CLASS_TRUE, SO_CLASS_FALSE, SO_CLASS_SYSTEM, SO_CLASS_INTEGER, SO_CLASS_DOUBLE,
  SO_CLASS_STRING, SO_CLASS_SYMBOL,
  SO_SEL_DNU, SO_SEL_UNKNOWN_GLOBAL, SO_SEL_ESCAPED_BLOCK, SO_SEL_INITIALIZE, SO_LIBRARY, SO_ENTRY,
  SO_SRC_NIL, SO_SRC_TRUE, SO_SRC_FALSE,
  GENESIS_CLASS_NAMES, GENESIS_CLASS_SO,
  CF_MAGIC, CF_VERSION, LIT_INT, LIT_BIGINT, LIT_DOUBLE, LIT_STRING, LIT_SYMBOL, LIT_ARRAY, LIT_BLOCK,
} from "./layout";
import { SPECIAL_SELECTORS, OP_COUNT, OP_OPERANDS, OP_NAMES, instructionLength,
  OP_PUSH_LOCAL, OP_STORE_LOCAL, OP_POP_STORE_LOCAL, OP_PUSH_FIELD, OP_STORE_FIELD, OP_POP_STORE_FIELD,
  OP_PUSH_REMOTE, OP_STORE_REMOTE, OP_POP_STORE_REMOTE, OP_PUSH_LITERAL, OP_PUSH_GLOBAL, OP_PUSH_BLOCK,
  OP_SEND, OP_SUPER_SEND, OP_PUSH_LITERAL_W, OP_PUSH_GLOBAL_W, OP_SEND_W, OP_SUPER_SEND_W, OP_PUSH_BLOCK_W,
  OP_JUMP, OP_JUMP_IF_TRUE, OP_JUMP_IF_FALSE, OP_JUMP_IF_NIL, OP_JUMP_IF_NOT_NIL, OP_JUMP_IF_NOT_NUMBER,
  OP_RETURN_TOP, OP_RETURN_SELF, OP_RETURN_NONLOCAL, OP_PUSH_SELF, OP_PUSH_TRUE, OP_PUSH_FALSE, OP_PUSH_NIL,
} from "./isa";
import { QUICK_SELF, QUICK_TRUE, QUICK_FALSE, QUICK_NIL, QUICK_GET, QUICK_SET } from "./frame";
import {
  st, stSet, so, soSet, S_SPECIALS, S_LINKING, S_MSG, S_SYMBOL_SPARE, S_LINK_LIBRARY,
} from "./vm";
import {
  mem_alloc, mem_newArray, mem_free, mem_newDouble, slot, setSlot, obj_size, obj_body, obj_fmt, obj_class,
  mkSmall, smallVal, fitsSmall, str_setAsciiFlag, isSmall,
} from "./memory";
import { sym_intern, sym_internLit } from "./symbols";
import { dict_get, dict_put } from "./globals";
import { gc_collect } from "./gc";
import { msg_set, msg_reset, msg_lit, msg_bytes, msg_int, msg_str } from "./errors";
import { send_flushCache } from "./send";
import { prims_lookup } from "./prims";
import { FH_BYTES, MAX_FRAME_WORDS } from "./frame";

// ---- class-file reader (transient state, valid during one vm_linkClass) ----
let rdPos: usize = 0;
let rdEnd: usize = 0;
let rdBase: usize = 0;
let rdBad: bool = false;
let pathPtr: usize = 0;
let pathLen: i32 = 0;

function rd_fail(what: string): void {
  if (!rdBad) {
    rdBad = true;
    msg_reset();
    msg_lit("class file: ");
    msg_lit(what);
    msg_lit(" at offset ");
    msg_int(<i64>(rdPos - rdBase));
  }
}
function need(n: usize): bool {
  if (rdBad) return false;
  if (rdEnd - rdPos < n) { rd_fail("truncated"); return false; }
  return true;
}
function rd_u8(): i32 { if (!need(1)) return 0; const v = load<u8>(rdPos); rdPos += 1; return v; }
function rd_u16(): i32 { if (!need(2)) return 0; const v = load<u16>(rdPos); rdPos += 2; return v; }
function rd_u32(): u32 { if (!need(4)) return 0; const v = load<u32>(rdPos); rdPos += 4; return v; }
/** A str: answers its length; its bytes are at rdStrPtr. */
let rdStrPtr: usize = 0;
function rd_str(): i32 {
  const n = rd_u32();
  if (!need(n as usize)) return 0;
  rdStrPtr = rdPos;
  rdPos += n;
  return n as i32;
}

// ---- helpers ------------------------------------------------------------------
function symLit(s: string): u32 { return sym_internLit(s, st(S_SYMBOL_SPARE) as usize); }

function newClassObj(cls: u32, slots: i32): u32 {
  return mem_alloc(cls, FMT_CLASS, slots as u32, (slots as u32) << 2);
}

/** Symbol for "<name> class" built in the spare buffer. */
function metaName(name: u32): u32 {
  const buf = st(S_SYMBOL_SPARE) as usize;
  const n = obj_size(name) as i32;
  if (n > 200) return name;
  memory.copy(buf, obj_body(name), n);
  const suffix = " class";
  for (let i = 0; i < suffix.length; i++) store<u8>(buf + n + i, suffix.charCodeAt(i) as u8);
  return sym_intern(buf, n + suffix.length);
}

function specFor(i: i32): i32 {
  // instance format of each genesis class, by GENESIS_CLASS_NAMES index
  switch (i) {
    case 1: case 2: return FMT_CLASS << 16;            // Class, Metaclass
    case 4: return FMT_BIGPOS << 16;                    // Integer (no `new`)
    case 5: return FMT_DOUBLE << 16;
    case 6: return FMT_STRING << 16;
    case 7: return FMT_SYMBOL << 16;
    case 8: return FMT_ARRAY << 16;
    case 9: case 10: return FMT_METHOD << 16;
    case 11: case 12: case 13: case 14: return FMT_CLOSURE << 16;
    default: return FMT_FIXED << 16;
  }
}

// ---- genesis ---------------------------------------------------------------------
/** nil, symbols, globals, core class shells.  0 = ok, < 0 with vm_errorText. */
export function link_genesis(): i32 {
  stSet(S_LINKING, 1);
  const sp = mem_alloc(0, FMT_ARRAY, SO_COUNT as u32, (SO_COUNT as u32) << 2);
  if (sp == 0) { stSet(S_LINKING, 0); msg_set("heap too small for genesis"); return -1; }
  stSet(S_SPECIALS, sp);
  const nil = mem_alloc(0, FMT_FIXED, 0, 0);
  if (nil == 0) { stSet(S_LINKING, 0); msg_set("heap too small for genesis"); return -1; }
  for (let i = 0; i < SO_COUNT; i++) setSlot(sp, i, nil);
  // symbol table, globals, library
  const symtab = mem_newArray(1 + 2048);
  const globs = mem_newArray(1 + 256);
  const lib = mem_newArray(1 + 64);
  if (symtab == 0 || globs == 0 || lib == 0) { stSet(S_LINKING, 0); msg_set("heap too small for genesis"); return -1; }
  setSlot(symtab, 0, mkSmall(0));
  setSlot(globs, 0, mkSmall(0));
  setSlot(lib, 0, mkSmall(0));
  soSet(SO_SYMBOL_TABLE, symtab);
  soSet(SO_GLOBALS, globs);
  soSet(SO_LIBRARY, lib);
  // class shells
  const n = GENESIS_CLASS_NAMES.length;
  for (let i = 0; i < n; i++) {
    const meta = newClassObj(0, C_FIXED_SLOTS);
    const cls = newClassObj(meta, C_FIXED_SLOTS);
    if (meta == 0 || cls == 0) { stSet(S_LINKING, 0); msg_set("heap too small for genesis"); return -1; }
    soSet(unchecked(GENESIS_CLASS_SO[i]), cls);
  }
  const metaclass = so(SO_CLASS_METACLASS);
  const arrayCls = so(SO_CLASS_ARRAY);
  store<u32>(sp, arrayCls);
  store<u32>(symtab, arrayCls);
  store<u32>(globs, arrayCls);
  store<u32>(lib, arrayCls);
  store<u32>(nil, so(SO_CLASS_NIL));
  for (let i = 0; i < n; i++) {
    const cls = so(unchecked(GENESIS_CLASS_SO[i]));
    const meta = obj_class(cls);
    store<u32>(meta, metaclass);
    const name = symLit(unchecked(GENESIS_CLASS_NAMES[i]));
    const mname = metaName(name);
    if (name == 0 || mname == 0) { stSet(S_LINKING, 0); msg_set("heap too small for genesis"); return -1; }
    setSlot(cls, C_NAME, name);
    setSlot(meta, C_NAME, mname);
    setSlot(cls, C_INSTSPEC, mkSmall(specFor(i)));
    setSlot(meta, C_INSTSPEC, mkSmall(C_FIXED_SLOTS | (FMT_CLASS << 16)));
    const f1 = mem_newArray(0);
    const f2 = mem_newArray(0);
    if (f1 == 0 || f2 == 0) { stSet(S_LINKING, 0); msg_set("heap too small for genesis"); return -1; }
    setSlot(cls, C_FIELDS, f1);
    setSlot(meta, C_FIELDS, f2);
    // provisional hierarchy: everything under Object; fixed when linked
    if (i == 0) {
      setSlot(cls, C_SUPERCLASS, nil);
      setSlot(meta, C_SUPERCLASS, so(SO_CLASS_CLASS));
    } else {
      setSlot(cls, C_SUPERCLASS, so(SO_CLASS_OBJECT));
      setSlot(meta, C_SUPERCLASS, obj_class(so(SO_CLASS_OBJECT)));
    }
    if (!dict_put(SO_GLOBALS, name, cls)) { stSet(S_LINKING, 0); msg_set("heap too small for genesis"); return -1; }
  }
  // selectors
  const nsel = SPECIAL_SELECTORS.length;
  const sels = mem_newArray(nsel);
  if (sels == 0) { stSet(S_LINKING, 0); msg_set("heap too small for genesis"); return -1; }
  soSet(SO_SPECIAL_SELECTORS, sels);
  for (let i = 0; i < nsel; i++) setSlot(sels, i, symLit(unchecked(SPECIAL_SELECTORS[i])));
  soSet(SO_SEL_DNU, symLit("doesNotUnderstand:arguments:"));
  soSet(SO_SEL_UNKNOWN_GLOBAL, symLit("unknownGlobal:"));
  soSet(SO_SEL_ESCAPED_BLOCK, symLit("escapedBlock:"));
  soSet(SO_SEL_INITIALIZE, symLit("initialize:"));
  dict_put(SO_GLOBALS, symLit("nil"), nil);
  soSet(SO_SRC_NIL, nil);
  soSet(SO_SRC_TRUE, nil);
  soSet(SO_SRC_FALSE, nil);
  soSet(SO_ENTRY, nil);
  stSet(S_LINKING, 0);
  return 0;
}

/** true, false, system; bind them.  0 = ok. */
export function link_finishGenesis(): i32 {
  const t = mem_alloc(so(SO_CLASS_TRUE), FMT_FIXED, 0, 0);
  if (t == 0) return -1;
  soSet(SO_TRUE, t);
  const f = mem_alloc(so(SO_CLASS_FALSE), FMT_FIXED, 0, 0);
  if (f == 0) return -1;
  soSet(SO_FALSE, f);
  const sysCls = so(SO_CLASS_SYSTEM);
  const nf = smallVal(slot(sysCls, C_INSTSPEC)) & 0xffff;
  const s = mem_alloc(sysCls, FMT_FIXED, nf as u32, (nf as u32) << 2);
  if (s == 0) return -1;
  soSet(SO_SYSTEM, s);
  if (!dict_put(SO_GLOBALS, symLit("true"), so(SO_TRUE))) return -1;
  if (!dict_put(SO_GLOBALS, symLit("false"), so(SO_FALSE))) return -1;
  if (!dict_put(SO_GLOBALS, symLit("system"), so(SO_SYSTEM))) return -1;
  soSet(SO_SRC_TRUE, so(SO_TRUE));
  soSet(SO_SRC_FALSE, so(SO_FALSE));
  return 0;
}

// ---- linking a class file --------------------------------------------------------
let linkPath: u32 = 0;         // source path String of the class being linked (transient)
let linkClassOop: u32 = 0;     // class being linked (transient)
let linkMetaOop: u32 = 0;
let linkNil: u32 = 0;

function isGenesisShell(c: u32): bool {
  if (slot(c, C_METHODS) != linkNil) return false;
  const n = GENESIS_CLASS_SO.length;
  for (let i = 0; i < n; i++) if (so(unchecked(GENESIS_CLASS_SO[i])) == c) return true;
  return false;
}

/** Resolve a class by name: globals, then library.  0 if none. */
export function link_findClass(sym: u32): u32 {
  let c = dict_get(SO_GLOBALS, sym);
  if (c != 0 && !isSmall(c) && obj_fmt(c) == FMT_CLASS) return c;
  c = dict_get(SO_LIBRARY, sym);
  if (c != 0 && !isSmall(c) && obj_fmt(c) == FMT_CLASS) return c;
  return 0;
}

/** An Array of symbols: the fields of `base` (an Array or nil) followed by `n` new names read from the file. */
function readFields(base: u32, n: i32): u32 {
  const nb = base == linkNil ? 0 : obj_size(base) as i32;
  const a = mem_newArray(nb + n);
  if (a == 0) return 0;
  for (let i = 0; i < nb; i++) setSlot(a, i, slot(base, i));
  for (let i = 0; i < n; i++) {
    const len = rd_str();
    if (rdBad) return 0;
    const s = sym_intern(rdStrPtr, len);
    if (s == 0) return 0;
    setSlot(a, nb + i, s);
  }
  return a;
}

function readLiteral(holder: u32, nameSym: u32, depth: i32): u32 {
  const tag = rd_u8();
  if (rdBad) return 0;
  if (depth > 64) { rd_fail("literal nesting too deep"); return 0; }
  switch (tag) {
    case LIT_INT: {
      const v = rd_u32() as i32;
      if (fitsSmall(v)) return mkSmall(v);
      const o = mem_alloc(so(SO_CLASS_INTEGER), v < 0 ? FMT_BIGNEG : FMT_BIGPOS, 4, 4);
      if (o == 0) return 0;
      store<u32>(obj_body(o), v < 0 ? (-(v as i64)) as u32 : v as u32);
      return o;
    }
    case LIT_BIGINT: {
      const neg = rd_u8();
      const n = rd_u32();
      if (!need((n as usize) << 2)) return 0;
      // normalise: drop top zero limbs
      let m = n as i32;
      while (m > 0 && load<u32>(rdPos + ((m - 1) << 2)) == 0) m--;
      let r: u32 = 0;
      if (m <= 1) {
        const v: i64 = m == 0 ? 0 : <i64>load<u32>(rdPos);
        const sv: i64 = neg != 0 ? -v : v;
        if (fitsSmall(sv)) r = mkSmall(sv as i32);
      }
      if (r == 0) {
        r = mem_alloc(so(SO_CLASS_INTEGER), neg != 0 ? FMT_BIGNEG : FMT_BIGPOS, (m as u32) << 2, (m as u32) << 2);
        if (r == 0) return 0;
        memory.copy(obj_body(r), rdPos, m << 2);
      }
      rdPos += (n as usize) << 2;
      return r;
    }
    case LIT_DOUBLE: {
      if (!need(8)) return 0;
      const x = load<f64>(rdPos);
      rdPos += 8;
      return mem_newDouble(x);
    }
    case LIT_STRING: {
      const len = rd_str();
      if (rdBad) return 0;
      const s = mem_alloc(so(SO_CLASS_STRING), FMT_STRING, len as u32, len as u32);
      if (s == 0) return 0;
      memory.copy(obj_body(s), rdStrPtr, len);
      str_setAsciiFlag(s);
      return s;
    }
    case LIT_SYMBOL: {
      const len = rd_str();
      if (rdBad) return 0;
      return sym_intern(rdStrPtr, len);
    }
    case LIT_ARRAY: {
      const n = rd_u16();
      if (rdBad) return 0;
      const a = mem_newArray(n);
      if (a == 0) return 0;
      for (let i = 0; i < n; i++) {
        const e = readLiteral(holder, nameSym, depth + 1);
        if (e == 0) return 0;
        setSlot(a, i, e);
      }
      return a;
    }
    case LIT_BLOCK:
      return readMethod(holder, nameSym, true, depth + 1);
    default:
      rd_fail("unknown literal tag");
      return 0;
  }
}

/** Check the bytecode of a method: opcodes, operand ranges, jump targets, a final return/jump. */
function verifyCode(code: usize, len: i32, nLocals: i32, nLits: i32, lits: u32, nFields: i32, bias: i32): bool {
  let pc = 0;
  let last = -1;
  while (pc < len) {
    const op = load<u8>(code + pc) as i32;
    if (op >= OP_COUNT || (unchecked(OP_NAMES[op]).length == 0)) { rd_fail("invalid opcode"); return false; }
    const il = instructionLength(op);
    if (pc + il > len) { rd_fail("instruction runs past the end of the code"); return false; }
    const a = load<u8>(code + pc + 1) as i32;
    const b = load<u8>(code + pc + 2) as i32;
    const w = load<u16>(code + pc + 1) as i32;
    const off = load<i16>(code + pc + 1) as i32;
    switch (op) {
      case OP_PUSH_LOCAL: case OP_STORE_LOCAL: case OP_POP_STORE_LOCAL:
        if (a >= nLocals) { rd_fail("local index out of range"); return false; }
        break;
      case OP_PUSH_REMOTE: case OP_STORE_REMOTE: case OP_POP_STORE_REMOTE:
        if (b >= nLocals) { rd_fail("temp vector index out of range"); return false; }
        break;
      case OP_PUSH_FIELD: case OP_STORE_FIELD: case OP_POP_STORE_FIELD:
        // class-side methods: field i lives in slot C_FIXED_SLOTS + i of the class object
        if (a + bias >= nFields || a + bias > 255) { rd_fail("field index out of range"); return false; }
        store<u8>(code + pc + 1, (a + bias) as u8);
        break;
      case OP_PUSH_LITERAL: case OP_PUSH_GLOBAL: case OP_SEND: case OP_SUPER_SEND: case OP_PUSH_BLOCK:
        if (a >= nLits) { rd_fail("literal index out of range"); return false; }
        if (!checkLitKind(op, slot(lits, a))) return false;
        break;
      case OP_PUSH_LITERAL_W: case OP_PUSH_GLOBAL_W: case OP_SEND_W: case OP_SUPER_SEND_W: case OP_PUSH_BLOCK_W:
        if (w >= nLits) { rd_fail("literal index out of range"); return false; }
        if (!checkLitKind(op, slot(lits, w))) return false;
        break;
      case OP_JUMP: case OP_JUMP_IF_TRUE: case OP_JUMP_IF_FALSE: case OP_JUMP_IF_NIL:
      case OP_JUMP_IF_NOT_NIL: case OP_JUMP_IF_NOT_NUMBER: {
        const t = pc + il + off;
        if (t < 0 || t >= len) { rd_fail("jump target out of range"); return false; }
        if (op == OP_JUMP_IF_TRUE || op == OP_JUMP_IF_FALSE) {
          const t2 = pc + il + (load<i16>(code + pc + 3) as i32);
          if (t2 < 0 || t2 >= len) { rd_fail("jump target out of range"); return false; }
        }
        break;
      }
      default: break;
    }
    last = op;
    pc += il;
  }
  if (last != OP_RETURN_TOP && last != OP_RETURN_SELF && last != OP_RETURN_NONLOCAL && last != OP_JUMP) {
    rd_fail("code does not end with a return");
    return false;
  }
  return true;
}

function checkLitKind(op: i32, lit: u32): bool {
  if (op == OP_PUSH_LITERAL || op == OP_PUSH_LITERAL_W) return true;
  if (isSmall(lit)) { rd_fail("literal of the wrong kind"); return false; }
  const f = obj_fmt(lit);
  if (op == OP_PUSH_BLOCK || op == OP_PUSH_BLOCK_W) {
    if (f != FMT_METHOD || (smallVal(slot(lit, M_HEADER)) & MH_FLAG_BLOCK) == 0) { rd_fail("block literal expected"); return false; }
    return true;
  }
  if (f != FMT_SYMBOL) { rd_fail("symbol literal expected"); return false; }
  return true;
}

/**
 * Quick methods run without a frame (interp.ts).  Their M_PRIMITIVE holds a
 * negative SmallInteger (bytecode methods otherwise hold 0):
 *   QUICK_SELF  ^ self             QUICK_TRUE/FALSE/NIL  ^ true / false / nil (source bindings)
 *   QUICK_GET - i   ^ field i      QUICK_SET - i         field i := arg; ^ self
 */
function quickKind(code: usize, len: i32, nArgs: i32): i32 {
  const c0 = load<u8>(code) as i32;
  if (len == 1 && c0 == OP_RETURN_SELF) return QUICK_SELF;
  if (len == 2 && load<u8>(code + 1) == OP_RETURN_TOP) {
    if (c0 == OP_PUSH_SELF) return QUICK_SELF;
    if (c0 == OP_PUSH_TRUE) return QUICK_TRUE;
    if (c0 == OP_PUSH_FALSE) return QUICK_FALSE;
    if (c0 == OP_PUSH_NIL) return QUICK_NIL;
  }
  if (len == 3 && c0 == OP_PUSH_FIELD && load<u8>(code + 2) == OP_RETURN_TOP) return QUICK_GET - (load<u8>(code + 1) as i32);
  if (len == 5 && nArgs == 1 && c0 == OP_PUSH_LOCAL && load<u8>(code + 1) == 0 && load<u8>(code + 2) == OP_POP_STORE_FIELD &&
      load<u8>(code + 4) == OP_RETURN_SELF) return QUICK_SET - (load<u8>(code + 3) as i32);
  return 0;
}

function fieldCount(holder: u32): i32 {
  return smallVal(slot(holder, C_INSTSPEC)) & 0xffff;
}

/** Read one method record; answers the method object (0 on error). */
function readMethod(holder: u32, nameSym: u32, isBlock: bool, depth: i32): u32 {
  const selLen = rd_str();
  const selPtr = rdStrPtr;
  const kind = rd_u8();
  const nArgs = rd_u8();
  const nCopied = rd_u8();
  const nTemps = rd_u8();
  const maxStack = rd_u16();
  const flags = rd_u8();
  const codeLen = rd_u32();
  if (!need(codeLen as usize)) return 0;
  const codePtr = rdPos;
  rdPos += codeLen;
  if (rdBad) return 0;
  if (nArgs + nCopied + nTemps + maxStack + 8 > MAX_FRAME_WORDS) { rd_fail("method frame too large"); return 0; }
  let sel = linkNil;
  if (!isBlock || selLen > 0) {
    sel = sym_intern(selPtr, selLen);
    if (sel == 0) return 0;
  }
  const myName = isBlock ? nameSym : sel;
  const m = mem_alloc(so(kind == 1 ? SO_CLASS_PRIMITIVE : SO_CLASS_METHOD), FMT_METHOD, M_SLOTS, M_SLOTS << 2);
  if (m == 0) return 0;
  setSlot(m, M_SIGNATURE, isBlock ? linkNil : sel);
  setSlot(m, M_HOLDER, holder);
  let hdr = nArgs | (nCopied << MH_NCOPIED_SHIFT) | (nTemps << MH_NTEMPS_SHIFT);
  if (isBlock || (flags & 1) != 0) hdr |= MH_FLAG_BLOCK;
  if ((flags & 2) != 0) hdr |= MH_FLAG_NONLOCAL;
  setSlot(m, M_HEADER, mkSmall(hdr));
  setSlot(m, M_PRIMITIVE, mkSmall(0));
  if (kind == 1) {
    setSlot(m, M_PRIMITIVE, mkSmall(prims_lookup(slot(holder, C_NAME), sel)));
  } else {
    const code = mem_alloc(so(SO_CLASS_OBJECT), FMT_BYTES, codeLen, codeLen);
    if (code == 0) return 0;
    memory.copy(obj_body(code), codePtr, codeLen);
    setSlot(m, M_BYTECODE, code);
  }
  const nLits = rd_u16();
  if (rdBad) return 0;
  // hidden trailing literals (not reachable by verified bytecode): the source
  // path, and for a block its enclosing method's selector (tracebacks)
  const lits = mem_newArray(nLits + (isBlock ? 2 : 1));
  if (lits == 0) return 0;
  setSlot(m, M_LITERALS, lits);
  for (let i = 0; i < nLits; i++) {
    const l = readLiteral(holder, myName, depth);
    if (l == 0) return 0;
    setSlot(lits, i, l);
  }
  setSlot(lits, nLits, linkPath);
  if (isBlock) setSlot(lits, nLits + 1, myName);
  const nLines = rd_u32();
  if (!need((nLines as usize) * 8)) return 0;
  // debug bytes: the line table, entries (u32 pc, u16 line, u16 col)
  if (nLines > 0) {
    const dlen = (nLines as i32) * 8;
    const dbg = mem_alloc(so(SO_CLASS_OBJECT), FMT_BYTES, dlen as u32, dlen as u32);
    if (dbg == 0) return 0;
    memory.copy(obj_body(dbg), rdPos, dlen);
    setSlot(m, M_DEBUG, dbg);
  }
  rdPos += (nLines as usize) * 8;
  if (kind != 1) {
    const nFields = fieldCount(holder);
    const bias = obj_class(holder) == so(SO_CLASS_METACLASS) ? C_FIXED_SLOTS : 0;
    if (!verifyCode(obj_body(slot(m, M_BYTECODE)), codeLen as i32, nArgs + nCopied + nTemps, nLits, lits, nFields, bias)) return 0;
    if (!isBlock) setSlot(m, M_PRIMITIVE, mkSmall(quickKind(obj_body(slot(m, M_BYTECODE)), codeLen as i32, nArgs)));
  }
  return m;
}

function readMethods(holder: u32): u32 {
  const n = rd_u16();
  if (rdBad) return 0;
  const a = mem_newArray(n);
  if (a == 0) return 0;
  setSlot(holder, C_METHODS, a);
  for (let i = 0; i < n; i++) {
    const m = readMethod(holder, linkNil, false, 0);
    if (m == 0) return 0;
    setSlot(a, i, m);
  }
  return a;
}

/**
 * Link the class file at [p, p+len).  Answers the class oop, or a negative
 * number with the reason in vm_errorText (nothing is bound on failure).
 */
export function link_class(p: usize, len: i32): i32 {
  rdBase = p; rdPos = p; rdEnd = p + len; rdBad = false;
  linkNil = so(SO_NIL);
  // header first (no allocation): it tells the source path length for the estimate
  if (rd_u32() != (CF_MAGIC as u32)) { rd_fail("bad magic"); return -1; }
  const ver = rd_u16();
  rd_u16(); // flags
  if (!rdBad && ver != CF_VERSION) { rd_fail("unsupported version"); return -1; }
  hdrNameLen = rd_str(); hdrNamePtr = rdStrPtr;
  hdrSuperLen = rd_str(); hdrSuperPtr = rdStrPtr;
  pathLen = rd_str(); pathPtr = rdStrPtr;
  if (rdBad) return -1;
  if (pathLen > 1000) pathLen = 1000;
  // Room for everything this file can produce: objects are at most ~8x the
  // bytes that describe them, plus the path String, and the symbol/global
  // tables may double.
  const symBytes = (obj_size(so(SO_SYMBOL_TABLE)) + obj_size(so(SO_GLOBALS)) + obj_size(so(SO_LIBRARY))) << 3;
  const want = (len as u32) * 8 + (pathLen as u32) + symBytes + 4096;
  if (mem_free() < want && st(S_LINKING) == 0) gc_collect();
  if (mem_free() < want) { msg_set("Out of memory."); return -2; }
  stSet(S_LINKING, 1);
  const r = link_classBody();
  stSet(S_LINKING, 0);
  send_flushCache();
  return r;
}

let hdrNamePtr: usize = 0;
let hdrNameLen: i32 = 0;
let hdrSuperPtr: usize = 0;
let hdrSuperLen: i32 = 0;

function link_classBody(): i32 {
  const nil = linkNil;
  const nameLen = hdrNameLen;
  const namePtr = hdrNamePtr;
  const superLen = hdrSuperLen;
  const superPtr = hdrSuperPtr;
  const name = sym_intern(namePtr, nameLen);
  if (name == 0) { msg_set("Out of memory."); return -2; }
  linkPath = mem_alloc(so(SO_CLASS_STRING), FMT_STRING, pathLen as u32, pathLen as u32);
  if (linkPath == 0) { msg_set("Out of memory."); return -2; }
  memory.copy(obj_body(linkPath), pathPtr, pathLen);
  str_setAsciiFlag(linkPath);
  // superclass
  let sup = nil;
  const isNilSuper = superLen == 3 && load<u8>(superPtr) == 0x6e && load<u8>(superPtr + 1) == 0x69 && load<u8>(superPtr + 2) == 0x6c;
  if (!isNilSuper) {
    let supSym: u32;
    if (superLen == 0) supSym = slot(so(SO_CLASS_OBJECT), C_NAME);
    else supSym = sym_intern(superPtr, superLen);
    if (supSym == 0) { msg_set("Out of memory."); return -2; }
    sup = link_findClass(supSym);
    if (sup == 0) {
      msg_reset(); msg_lit("superclass "); msg_str(supSym); msg_lit(" of "); msg_str(name); msg_lit(" is not loaded");
      return -1;
    }
  }
  // class and metaclass objects
  let cls = link_findClass(name);
  const shell = cls != 0 && isGenesisShell(cls);
  const supMeta = sup == nil ? so(SO_CLASS_CLASS) : obj_class(sup);
  // instance fields
  const nIF = rd_u16();
  if (rdBad) return -1;
  const ifields = readFields(sup == nil ? nil : slot(sup, C_FIELDS), nIF);
  if (ifields == 0) return rdBad ? -1 : -2;
  const nCF = rd_u16();
  if (rdBad) return -1;
  const cfields = readFields(sup == nil ? nil : slot(supMeta, C_FIELDS), nCF);
  if (cfields == 0) return rdBad ? -1 : -2;
  const nClassSlots = C_FIXED_SLOTS + (obj_size(cfields) as i32);
  let meta: u32;
  if (shell) {
    meta = obj_class(cls);
    if (nClassSlots != C_FIXED_SLOTS) {
      msg_reset(); msg_lit("kernel class "); msg_str(name); msg_lit(" cannot declare class-side fields");
      return -1;
    }
  } else {
    meta = newClassObj(so(SO_CLASS_METACLASS), C_FIXED_SLOTS);
    if (meta == 0) return -2;
    cls = newClassObj(meta, nClassSlots);
    if (cls == 0) return -2;
    const mname = metaName(name);
    if (mname == 0) return -2;
    setSlot(cls, C_NAME, name);
    setSlot(meta, C_NAME, mname);
  }
  setSlot(cls, C_SUPERCLASS, sup);
  setSlot(meta, C_SUPERCLASS, supMeta);
  setSlot(cls, C_FIELDS, ifields);
  setSlot(meta, C_FIELDS, cfields);
  setSlot(cls, C_DISPATCH, nil);
  setSlot(meta, C_DISPATCH, nil);
  let fmt = FMT_FIXED;
  if (shell) fmt = (smallVal(slot(cls, C_INSTSPEC)) >> 16) & 0x1f;
  else if (sup != nil) fmt = (smallVal(slot(sup, C_INSTSPEC)) >> 16) & 0x1f;
  setSlot(cls, C_INSTSPEC, mkSmall((obj_size(ifields) as i32) | (fmt << 16)));
  setSlot(meta, C_INSTSPEC, mkSmall(nClassSlots | (FMT_CLASS << 16)));
  if (readMethods(cls) == 0) return rdBad ? -1 : -2;
  if (readMethods(meta) == 0) return rdBad ? -1 : -2;
  if (rdPos != rdEnd) { rd_fail("trailing bytes"); return -1; }
  if (!shell) {
    const target = st(S_LINK_LIBRARY) != 0 ? SO_LIBRARY : SO_GLOBALS;
    if (!dict_put(target, name, cls)) return -2;
  }
  return cls as i32;
}

