// Send trace for the dispatch lab (host-tools/sim, docs/DISPATCH.md).
//
// Compiled in only by the `sim` and `sim16` asc targets, which define the
// integer constant TALC_SIM_TRACE (`--use TALC_SIM_TRACE=1`).  In every other target
// TRACE_ON is the compile-time constant false: each trace_* call folds away,
// the buffer's static data is never emitted and the `send_trace` import is
// not declared (the release and debug wasm are byte-identical with or
// without this file, and so is the release16 wasm; docs/DISPATCH.md
// records the check).
//
// Every send the VM dispatches (after its lookup, before the method runs) is
// appended to a buffer in linear memory; the buffer goes to the host with
// the import `send_trace(ptr, count)` when it is full, at the end of every
// interp_run slice and at the start of every collection.  The host therefore
// always reads the entries while the oops in them are still valid (the
// copying collector has not yet moved anything).
//
// Entry (TRACE_ENTRY_BYTES = 28, seven little-endian u32):
//
//   +0  lookup class   receiver's class, or the start class of a super send
//   +4  selector       Symbol oop
//   +8  method found   Method/Primitive oop, 0 = not understood (DNU follows)
//  +12  site method    method (or block method) holding the send bytecode, 0 = none
//                      (sends made by the VM or a primitive: perform:, unknownGlobal:, ...)
//  +16  pc | kind      bits 0-23 pc of the byte after the send instruction
//                      bits 24-31 kind: TRACE_KIND_*
//  +20  receiver       16-bit VM (`sim16` target) only: the receiver oop c16_method
//                      masked, 0 = no computed entry (super send, 32-bit VM)
//  +24  entry address  the code-object entry c16_method computed from it, 0 = none
//                      (also 0 when the selector is beyond the code objects' width)
//
// Invariant: entries in the buffer were all written since the last
// collection (flush happens before gc_collect moves any object).

// @ts-ignore: TALC_SIM_TRACE exists only in the sim target (asconfig.json)
export const TRACE_ON: bool = isDefined(TALC_SIM_TRACE);

export const TRACE_ENTRY_BYTES: i32 = 28;
export const TRACE_CAPACITY: i32 = 4096;          // entries per flush
export const TRACE_KIND_SEND: u32 = 0;            // ordinary send at a call site
export const TRACE_KIND_SUPER: u32 = 1;           // super send (lookup starts at the holder's superclass)
export const TRACE_KIND_VM: u32 = 2;              // send made by the VM or a primitive (no call site)
export const TRACE_KIND_VM_SUPER: u32 = 3;        // perform:inSuperclass: and the like

/** Hand `count` entries at `ptr` to the host (sim target only). */
@external("talc", "send_trace")
declare function host_sendTrace(ptr: usize, count: i32): void;

let traceCount: i32 = 0;
let traceRcvr: u32 = 0;     // set by trace_entry16, consumed (and cleared) by the next trace_send
let traceEntry: u32 = 0;

/** 16-bit VM: the entry address c16_method computed for receiver `oop` (call sites guard it with TRACE_ON). */
export function trace_entry16(oop: u32, entry: u32): void {
  if (!TRACE_ON) return;
  traceRcvr = oop;
  traceEntry = entry;
}

/**
 * The buffer: static data, reserved only when this function is compiled (sim
 * target).  Not @inline: every inlined copy of memory.data would reserve a
 * segment of its own.
 */
function trace_buffer(): usize {
  return memory.data(TRACE_CAPACITY * TRACE_ENTRY_BYTES);
}

/**
 * Record one send.  Every call site is written `if (TRACE_ON) trace_send(...)`
 * so that outside the sim target not even the arguments are evaluated.
 */
export function trace_send(cls: u32, sel: u32, method: u32, site: u32, pc: u32, kind: u32): void {
  if (!TRACE_ON) return;
  const e = trace_buffer() + <usize>(traceCount * TRACE_ENTRY_BYTES);
  store<u32>(e, cls);
  store<u32>(e, sel, 4);
  store<u32>(e, method, 8);
  store<u32>(e, site, 12);
  store<u32>(e, (pc & 0xffffff) | (kind << 24), 16);
  store<u32>(e, traceRcvr, 20);
  store<u32>(e, traceEntry, 24);
  traceRcvr = 0;
  traceEntry = 0;
  traceCount++;
  if (traceCount == TRACE_CAPACITY) trace_flush();
}

/** Hand the buffered entries to the host (call sites guard it with TRACE_ON too). */
export function trace_flush(): void {
  if (!TRACE_ON) return;
  if (traceCount > 0) {
    const n = traceCount;
    traceCount = 0;
    host_sendTrace(trace_buffer(), n);
  }
}
