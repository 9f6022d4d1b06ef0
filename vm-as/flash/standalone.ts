// A module of the flash code alone (build/talc-flash.wasm): the host tools
// run it against a simulated flash, so that pack/write/boot on the host use
// the device's own update and boot code.  Build: asc --config vm-as/flash/asconfig.json

export * from "./api";

// A buffer of `len` bytes above everything else (grows memory); the host
// copies images in and out through it.  Each call answers the same address.
export function flash_buffer(len: u32): usize {
  const base = <usize>__heap_base;
  const aligned = (base + 15) & ~<usize>15;
  const need = aligned + <usize>len;
  const have = <usize>memory.size() << 16;
  if (need > have) {
    const pages = <i32>((need - have + 0xffff) >>> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  return aligned;
}

export function flash_abort(msg: usize, file: usize, line: u32, col: u32): void {
  unreachable();
}
