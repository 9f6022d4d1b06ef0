// Stand-alone device module (protocol engine + vm-as/flash), used by the
// simulated board until vm-as/index.ts re-exports both (then build/talc.wasm
// serves the board as well) and by the tests.
// Build: asc vm-as/device/entry.ts --config vm-as/device/asconfig.json --target release -o OUT
export * from "./engine";
export * from "../flash/api";

/** A buffer of `len` bytes above static memory (grows memory); the board
 *  expands the booted image into it.  Every call answers the same address. */
export function dev_buffer(len: u32): usize {
  const base = (<usize>__heap_base + 15) & ~<usize>15;
  const need = base + <usize>len;
  const have = <usize>memory.size() << 16;
  if (need > have) {
    if (memory.grow(<i32>((need - have + 0xffff) >>> 16)) < 0) return 0;
  }
  return base;
}

export function dev_abort(msg: usize, file: usize, line: u32, col: u32): void {
  unreachable();
}
