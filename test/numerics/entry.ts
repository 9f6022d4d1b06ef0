// Test entry: exposes the numerics modules to the vitest suites in this folder.
export * from "../../vm-as/bigint";
export * from "../../vm-as/dtoa";
export function test_abort(msg: usize, file: usize, line: u32, col: u32): void { unreachable(); }
// First free byte after the module's static data: the tests place buffers from here.
export function test_heapBase(): usize { return __heap_base; }
