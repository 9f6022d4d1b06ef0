// Runtime errors: a traceback of the active frames and a message on stderr,
// then the VM stops with exit status 1 (spec 5.4).
//
// Messages are assembled in the VM's message buffer with the msg_* helpers
// (no managed allocation); the same buffer holds vm_errorText for link and
// image errors.
import { BITS16 } from "./bits";
import { sym16_text } from "./sym16";
import {
  st, stSet, S_MSG, S_ERR_LEN, S_FINISHED, S_EXIT_STATUS, S_FP, S_OTHER, S_STACK_BASE, MSG_BYTES,
} from "./vm";
import { M_SIGNATURE, M_HOLDER, M_DEBUG, M_LITERALS, C_NAME } from "./layout";
import { slot, obj_size, obj_body, smallVal, isSmall } from "./memory";
import { FH_METHOD, FH_CALLER, FH_IP, FH_CLOSURE } from "./frame";
import { io_err, io_flush } from "./io";
import { SO_NIL } from "./layout";
import { so } from "./vm";

// ---- message buffer ----------------------------------------------------------
export function msg_reset(): void { stSet(S_ERR_LEN, 0); }
@inline export function msg_ptr(): usize { return st(S_MSG) as usize; }
@inline export function msg_len(): i32 { return st(S_ERR_LEN) as i32; }

export function msg_byte(b: i32): void {
  const n = st(S_ERR_LEN) as i32;
  if (n < MSG_BYTES) { store<u8>(st(S_MSG) + n, b as u8); stSet(S_ERR_LEN, (n + 1) as u32); }
}
export function msg_bytes(p: usize, len: i32): void {
  for (let i = 0; i < len; i++) msg_byte(load<u8>(p + i));
}
/** Append an ASCII string literal. */
export function msg_lit(s: string): void {
  for (let i = 0; i < s.length; i++) msg_byte(s.charCodeAt(i));
}
export function msg_int(v: i64): void {
  if (v < 0) { msg_byte(45); if (v == i64.MIN_VALUE) { msg_lit("9223372036854775808"); return; } v = -v; }
  let d: i64 = 1;
  while (v / d >= 10) d *= 10;
  while (d > 0) { msg_byte(48 + ((v / d) % 10) as i32); d /= 10; }
}
/** Append the bytes of a String/Symbol oop. */
export function msg_str(o: u32): void {
  if (BITS16 && isSmall(o)) {     // 16-bit: a Symbol is a SmallInteger; its text is in the SymbolTable
    const t = sym16_text(smallVal(o));
    if (t != 0) { msg_bytes(obj_body(t), obj_size(t) as i32); return; }
  }
  if (isSmall(o)) { msg_int(smallVal(o)); return; }
  msg_bytes(obj_body(o), obj_size(o) as i32);
}

/** Set the message to a literal (for vm_errorText). */
export function msg_set(s: string): void { msg_reset(); msg_lit(s); }

// ---- runtime errors ------------------------------------------------------------
const TB_HEAD = "Traceback (most recent call at bottom):\n";

/** Source line of the instruction before bytecode offset `ipOff` (0 if unknown). */
export function err_lineOf(m: u32, ipOff: i32): i32 {
  const dbg = slot(m, M_DEBUG);
  if (dbg == so(SO_NIL)) return 0;
  const b = obj_body(dbg);
  const end = obj_size(dbg) as i32;
  const pc = ipOff - 1;
  let line = 0;
  for (let e = 0; e + 8 <= end; e += 8) {
    if ((load<u32>(b + e) as i32) > pc) break;
    line = load<u16>(b + e + 4) as i32;
  }
  return line;
}

function tb_frame(fp: u32): void {
  const m = load<u32>(fp + FH_METHOD);
  const isBlock = load<u32>(fp + FH_CLOSURE) != so(SO_NIL);
  const holder = slot(m, M_HOLDER);
  const lits = slot(m, M_LITERALS);
  const nl = obj_size(lits) as i32;
  // hidden trailing literals (linker.ts): path, and for blocks the enclosing selector
  const path = isBlock ? (nl >= 2 ? slot(lits, nl - 2) : 0) : (nl >= 1 ? slot(lits, nl - 1) : 0);
  const name = isBlock ? (nl >= 1 ? slot(lits, nl - 1) : 0) : slot(m, M_SIGNATURE);
  msg_lit("  ");
  if (isBlock) msg_lit("[] in ");
  msg_str(slot(holder, C_NAME));
  msg_lit(">>#");
  if (name != 0 && name != so(SO_NIL) && (BITS16 || !isSmall(name))) msg_str(name);   // 16-bit: Symbols are SmallIntegers
  if (path != 0 && !isSmall(path) && path != so(SO_NIL)) {
    msg_lit(" (");
    msg_str(path);
    msg_byte(58);
    msg_int(err_lineOf(m, smallVal(load<u32>(fp + FH_IP))));
    msg_lit(")");
  }
  msg_byte(10);
  io_err(msg_ptr(), msg_len());
  msg_reset();
}

/**
 * Report the runtime error whose message is in the message buffer: traceback,
 * message, newline on stderr; the VM finishes with exit status 1.
 */
export function err_raise(): void {
  if (st(S_FINISHED) != 0) return;
  // keep the message: move it to the end of the buffer area temporarily
  const n = msg_len();
  const save = st(S_OTHER) as usize;  // the other semispace is free between collections
  memory.copy(save, msg_ptr(), n);
  msg_reset();
  io_flush();
  msg_lit(TB_HEAD);
  io_err(msg_ptr(), msg_len());
  msg_reset();
  // collect frames (top first) into the other semispace, after the saved message
  const list = save + ((n + 3) & ~3);
  let cnt = 0;
  let fp = st(S_FP);
  while (fp != 0 && fp >= st(S_STACK_BASE)) {
    store<u32>(list + (cnt << 2), fp);
    cnt++;
    fp = smallVal(load<u32>(fp + FH_CALLER)) as u32;
  }
  // bottom first; elide the middle of very deep stacks
  for (let i = cnt - 1; i >= 0; i--) {
    if (cnt > 60 && i == cnt - 21) {
      msg_lit("  ... (");
      msg_int(cnt - 51);
      msg_lit(" more activations)\n");
      io_err(msg_ptr(), msg_len());
      msg_reset();
      i = 30;
    }
    tb_frame(load<u32>(list + (i << 2)));
  }
  memory.copy(msg_ptr(), save, n);
  stSet(S_ERR_LEN, n as u32);
  msg_byte(10);
  io_err(msg_ptr(), msg_len());
  stSet(S_ERR_LEN, n as u32);
  vm_finish(1);
}

/** Raise a runtime error with a literal message. */
export function err_lit(s: string): void {
  msg_reset();
  msg_lit(s);
  err_raise();
}

export function err_outOfMemory(): void { err_lit("Out of memory."); }
export function err_stackOverflow(): void { err_lit("Stack overflow."); }

/** The program ends with `status` (output flushed). */
export function vm_finish(status: i32): void {
  io_flush();
  if (st(S_FINISHED) == 0) {
    stSet(S_EXIT_STATUS, status as u32);
    stSet(S_FINISHED, 1);
  }
}

