// Cheney semispace copying collector.
//
// Rule (see docs/ARCHITECTURE.md): roots are the special objects array, the
// argument array being built, every word of the frame stack below S_SP and
// every word of the root stack below S_ROOT_SP.  Objects are copied in
// breadth-first order into the other semispace; a copied object's class word
// becomes `newAddress | 1` (forwarding).  Afterwards the spaces swap and the
// method cache (keyed by addresses) is flushed.
import { HEADER_BYTES, isPointerFormat, FORMAT_MASK } from "./layout";
import {
  st, stSet, S_HEAP_START, S_HEAP_END, S_OTHER, S_SEMI_BYTES, S_ALLOC, S_SPECIALS, S_ARGS,
  S_STACK_BASE, S_SP, S_ROOT_BASE, S_ROOT_SP, S_GC_COUNT,
} from "./vm";
import { obj_totalBytes } from "./memory";
import { send_flushCache } from "./send";
import { TRACE_ON, trace_flush } from "./trace";
import { BITS16 } from "./bits";
import { m16_collect, m16, M16_GC_COUNT } from "./mem16";

// Transient: next free address in to-space, valid only during gc_collect.
let gcFree: u32 = 0;
let gcFrom: u32 = 0;
let gcFromEnd: u32 = 0;

function gc_copy(o: u32): u32 {
  if ((o & 1) != 0 || o < gcFrom || o >= gcFromEnd) return o;
  const c = load<u32>(o);
  if ((c & 1) != 0) return c & ~1;
  const n = obj_totalBytes(o);
  const r = gcFree;
  memory.copy(r, o, n);
  store<u32>(o, r | 1);
  gcFree = r + n;
  return r;
}

function gc_scanRange(from: u32, to: u32): void {
  for (let p = from; p < to; p += 4) {
    const w = load<u32>(p);
    if ((w & 1) == 0) store<u32>(p, gc_copy(w));
  }
}

/** Full collection.  Never allocates; never fails (to-space is as large as from-space). */
export function gc_collect(): void {
  if (TRACE_ON) trace_flush();   // sim target only: the host reads traced oops before they move
  if (BITS16) {                  // 16-bit memory: mark-compact through the object table (mem16.ts)
    m16_collect();
    stSet(S_GC_COUNT, m16(M16_GC_COUNT));
    send_flushCache();
    return;
  }
  gcFrom = st(S_HEAP_START);
  gcFromEnd = st(S_HEAP_END);
  const to = st(S_OTHER);
  gcFree = to;
  stSet(S_SPECIALS, gc_copy(st(S_SPECIALS)));
  const args = st(S_ARGS);
  if (args != 0) stSet(S_ARGS, gc_copy(args));
  gc_scanRange(st(S_STACK_BASE), st(S_SP));
  gc_scanRange(st(S_ROOT_BASE), st(S_ROOT_SP));
  let p = to;
  while (p < gcFree) {
    store<u32>(p, gc_copy(load<u32>(p)));
    const fmt = (load<u32>(p, 4) & FORMAT_MASK) as i32;
    const n = obj_totalBytes(p);
    if (isPointerFormat(fmt)) gc_scanRange(p + HEADER_BYTES, p + HEADER_BYTES + (load<u32>(p, 8) << 2));
    p += n;
  }
  stSet(S_HEAP_START, to);
  stSet(S_HEAP_END, to + st(S_SEMI_BYTES));
  stSet(S_OTHER, gcFrom);
  stSet(S_ALLOC, gcFree);
  stSet(S_GC_COUNT, st(S_GC_COUNT) + 1);
  send_flushCache();
}
