// Talc VM module entry: re-exports the host API (see docs/ARCHITECTURE.md).
import { OP_COUNT } from "./isa";
import { SO_COUNT } from "./layout";

export function vm_version(): i32 { return OP_COUNT * 1000 + SO_COUNT; }

// `throw`/assertions end here (asconfig: use abort=vm-as/index/vm_abort).
export function vm_abort(msg: usize, file: usize, line: u32, col: u32): void {
  unreachable();
}
