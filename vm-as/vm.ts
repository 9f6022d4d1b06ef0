// VM state record: every piece of interpreter state lives in one record in
// linear memory.  The module holds ONE pointer to the current record (`VM`);
// nothing else is a module global that describes a VM.
//
// Linear memory map set up by vm_init (addresses grow downward in the table):
//
//   +-------------------------+  __heap_base (aligned)
//   | state record (S_*)      |  S_RECORD_BYTES
//   | message buffer          |  MSG_BYTES      error texts, number printing
//   | stdout buffer           |  OUT_BYTES
//   | method cache            |  CACHE_ENTRIES * 12  (class, selector, method)
//   | root stack              |  ROOT_WORDS * 4      oops held by VM code across allocation
//   | frame stack             |  stackBytes          frames, grows upward
//   | semispace A | B         |  heapBytes / 2 each
//   | scratch                 |  host <-> VM bytes, grows at the end of memory
//   +-------------------------+
//
// Invariant: every word of the frame stack below S_SP and of the root stack
// below S_ROOT_SP is an oop or a SmallInteger (the collector scans them).

import { BITS16 } from "./bits";
import { M16 } from "./mem16";

// ---- record fields (byte offsets) ----------------------------------------
export const S_HEAP_START: i32 = 0;     // current semispace (from-space) start
export const S_HEAP_END: i32 = 4;       // current semispace end
export const S_ALLOC: i32 = 8;          // bump pointer in from-space
export const S_OTHER: i32 = 12;         // other semispace start (to-space; bigint scratch between GCs)
export const S_SEMI_BYTES: i32 = 16;    // bytes per semispace
export const S_STACK_BASE: i32 = 20;
export const S_STACK_LIMIT: i32 = 24;
export const S_FP: i32 = 28;            // top frame (0 = none)
export const S_SP: i32 = 32;            // first free word of the frame stack
export const S_ROOT_BASE: i32 = 36;
export const S_ROOT_SP: i32 = 40;
export const S_ROOT_LIMIT: i32 = 44;
export const S_SPECIALS: i32 = 48;      // special objects Array (oop)
export const S_CACHE: i32 = 52;         // method cache address
export const S_EXIT_STATUS: i32 = 56;
export const S_FINISHED: i32 = 60;      // 1 when the program ended (exit status valid)
export const S_ERR_LEN: i32 = 64;       // length of the error text in the message buffer
export const S_SERIAL: i32 = 68;        // next activation serial number
export const S_HASH_SEED: i32 = 72;     // identity-hash generator state
export const S_GC_COUNT: i32 = 76;
export const S_STAT_BC: i32 = 80;       // f64 bytecodes executed
export const S_STAT_SENDS: i32 = 88;    // f64 sends performed
export const S_START_US: i32 = 96;      // f64 clock at vm_init
export const S_RANDOM: i32 = 104;       // u64 xorshift state
export const S_SCRATCH: i32 = 112;      // scratch buffer address
export const S_SCRATCH_CAP: i32 = 116;
export const S_ARGS: i32 = 120;         // Array of program arguments being built (oop; root)
export const S_LAST_TICKS: i32 = 124;   // (unused spare)
export const S_MSG: i32 = 128;          // message buffer address
export const S_OUT: i32 = 132;          // stdout buffer address
export const S_OUT_LEN: i32 = 136;
export const S_NUMBUF: i32 = 140;       // 16 bytes: two 2-limb number buffers
export const S_LINKING: i32 = 144;      // >0 while the linker runs (no GC allowed)
export const S_ABORTED: i32 = 148;      // 1 when a load_class compile error stopped the VM
export const S_TICKS_LAST: i32 = 152;   // f64 last ticks answered (monotonic)
export const S_SYMBOL_SPARE: i32 = 160;  // 256-byte buffer for building names
export const S_LINK_LIBRARY: i32 = 164;  // 1: vm_linkClass binds into SO_LIBRARY instead of the globals
export const S_FASTMASK: i32 = 168;     // bit k: special send OP_SPECIAL_FIRST+k may take its fast path
/** S_FASTMASK bit: Object>>~= is kernel-shaped (index.ts computeFastMask), so `~=` may answer identity inline (interp.ts). */
export const FAST_OBJ_NEQEQ: u32 = 1 << 24;
export const S_PRIM_DEPTH: i32 = 172;    // nesting of primitives called through send_invoke
export const S_DBLMASK: i32 = 176;       // bit k: Double's special selector k is bound to its primitive
export const S_RECORD_BYTES: i32 = 256;

export const MSG_BYTES: i32 = 4096;
export const OUT_BYTES: i32 = 4096;
export const CACHE_ENTRIES: i32 = 4096;   // power of two
export const ROOT_WORDS: i32 = 4096;

// The one pointer to the current VM record.
export let VM: usize = 0;

export function vm_setCurrent(rec: usize): void { VM = rec; }

@inline export function st(off: i32): u32 { return load<u32>(VM + off); }
@inline export function stSet(off: i32, v: u32): void { store<u32>(VM + off, v); }
@inline export function stF(off: i32): f64 { return load<f64>(VM + off); }
@inline export function stFSet(off: i32, v: f64): void { store<f64>(VM + off, v); }

/** Special object i (layout.ts SO_*). */
@inline export function so(i: i32): u32 {
  if (BITS16) {   // 16-bit memory: through the object table; special objects are oops or non-negative SmallIntegers
    return load<u16>(load<u32>(load<u32>(M16 + 0 /* M16_TABLE */) + ((load<u32>(VM + S_SPECIALS) >> 1) << 2)) + 4 + (i << 1)) as u32;
  }
  return load<u32>(load<u32>(VM + S_SPECIALS) + 12 + (i << 2));
}
@inline export function soSet(i: i32, v: u32): void {
  if (BITS16) {
    store<u16>(load<u32>(load<u32>(M16 + 0 /* M16_TABLE */) + ((load<u32>(VM + S_SPECIALS) >> 1) << 2)) + 4 + (i << 1), v as u16);
    return;
  }
  store<u32>(load<u32>(VM + S_SPECIALS) + 12 + (i << 2), v);
}

// ---- root stack ------------------------------------------------------------
/** Push an oop that must survive (and be updated by) a collection. */
export function rs_push(o: u32): void {
  const sp = st(S_ROOT_SP);
  if (sp >= st(S_ROOT_LIMIT)) unreachable(); // VM bug: root stack overflow
  store<u32>(sp, o);
  stSet(S_ROOT_SP, sp + 4);
}
/** Pop the most recently pushed root (updated by any collection since). */
export function rs_pop(): u32 {
  const sp = st(S_ROOT_SP) - 4;
  stSet(S_ROOT_SP, sp);
  return load<u32>(sp);
}
/** Read root i below the top (0 = top) without popping. */
@inline export function rs_peek(i: i32): u32 { return load<u32>(st(S_ROOT_SP) - 4 - (i << 2)); }
