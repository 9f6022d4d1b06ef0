// Buffered standard output and unbuffered standard error.
//
// stdout bytes collect in the VM's output buffer and are flushed when a
// newline is written, before anything goes to stderr, at the end of every
// vm_run slice and at exit, so both streams keep program order.
import { st, stSet, S_OUT, S_OUT_LEN, OUT_BYTES } from "./vm";
import { host_write } from "./imports";

export function io_flush(): void {
  const n = st(S_OUT_LEN) as i32;
  if (n > 0) {
    host_write(1, st(S_OUT) as usize, n);
    stSet(S_OUT_LEN, 0);
  }
}

/** Write bytes to stdout (may live in the heap: no allocation happens here). */
export function io_out(p: usize, len: i32): void {
  let n = st(S_OUT_LEN) as i32;
  if (len > OUT_BYTES - n) {
    io_flush();
    if (len >= OUT_BYTES) { host_write(1, p, len); return; }
    n = 0;
  }
  const buf = st(S_OUT) as usize;
  memory.copy(buf + n, p, len);
  stSet(S_OUT_LEN, (n + len) as u32);
  // flush at a newline
  for (let i = len - 1; i >= 0; i--) {
    if (load<u8>(p + i) == 10) { io_flush(); return; }
  }
}

export function io_outByte(b: i32): void {
  let n = st(S_OUT_LEN) as i32;
  if (n >= OUT_BYTES) { io_flush(); n = 0; }
  store<u8>(st(S_OUT) + n, b as u8);
  stSet(S_OUT_LEN, (n + 1) as u32);
  if (b == 10) io_flush();
}

/** Write bytes to stderr (stdout is flushed first). */
export function io_err(p: usize, len: i32): void {
  io_flush();
  if (len > 0) host_write(2, p, len);
}
