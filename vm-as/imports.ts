// The whole host boundary (module "talc"), see docs/ARCHITECTURE.md "Imports".
// Integers and buffers in linear memory only.

/** Bytes to stdout (fd 1) or stderr (fd 2). */
@external("talc", "write")
export declare function host_write(fd: i32, ptr: usize, len: i32): void;

/** Monotonic clock in microseconds. */
@external("talc", "clock_us")
export declare function host_clockUs(): f64;

/** Compile and link class `name` (re-enters vm_linkClass); class oop, 0 = no file, -1 = compile error reported. */
@external("talc", "load_class")
export declare function host_loadClass(namePtr: usize, nameLen: i32): i32;

/** Read a file into vm_scratch; its length, or -1. */
@external("talc", "read_file")
export declare function host_readFile(pathPtr: usize, pathLen: i32): i32;
