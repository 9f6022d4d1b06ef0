// The scratch buffer: host <-> VM bytes, at the end of linear memory (after
// the heap), grown on demand.  Its address never changes; its capacity does.
import { st, stSet, S_SCRATCH, S_SCRATCH_CAP } from "./vm";

/** Scratch of at least `len` bytes; 0 when memory cannot grow. */
export function vm_scratchGrow(len: u32): usize {
  if (len > st(S_SCRATCH_CAP)) {
    const end = (st(S_SCRATCH) as usize) + (len as usize);
    const have = (<usize>memory.size()) << 16;
    if (end > have) {
      const pages = ((end - have + 0xffff) >> 16) as i32;
      if (memory.grow(pages) < 0) return 0;
    }
    stSet(S_SCRATCH_CAP, len);
  }
  return st(S_SCRATCH) as usize;
}
