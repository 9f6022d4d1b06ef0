// The simulated board's VM: TalcVM (host-tools/vm/vmhost.ts) running the
// image the boot path expanded.  The board has no compiler: its class path
// is empty, so `load_class` answers 0 like on a device.
//
// eval: the host sends a compiled DoIt class; it runs in a fresh VM loaded
// from the same booted image (so it sees the image's classes and globals,
// not the running program's live objects), with its output captured as the
// answer.  A VM export that links and runs a DoIt inside the running VM is
// the firmware's way (pending, see docs/PROTOCOL.md).
import { TalcVM } from "../vm/vmhost.js";
import type { SimProgram, SimVm } from "./simboard.js";
import { OP_COUNT } from "../../vm-as/isa.js";
import { SO_COUNT } from "../../vm-as/layout.js";

/** vm_version() of vm-as/index.ts (opcodes * 1000 + special objects), reported in INFO. */
export const SIM_VM_VERSION = (OP_COUNT * 1000 + SO_COUNT) & 0xffff;

const SLICE = 200_000;          // bytecodes per step: keeps the UART responsive
const EVAL_SLICES = 5_000;      // eval budget: 1e9 bytecodes, then "evaluation took too long"

export function talcSimVm(heapBytes: number): SimVm {
  return {
    version: SIM_VM_VERSION,
    load(image, out): SimProgram {
      const vm = TalcVM.createSync({ heapBytes, classPath: [], stdout: out.stdout, stderr: out.stderr });
      vm.loadImage(image);
      const entry = vm.entry();
      if (entry === null) throw new Error("the image names no main class (build it with `talc build Main -o app.img`)");
      vm.start([entry]);
      let finished = false;
      return {
        step(): number | null {
          if (finished) return vm.exitStatus;
          if (vm.exports.vm_run(SLICE) === 0) return null;
          finished = true;
          return vm.exitStatus;
        },
        eval(classFile: Uint8Array): Promise<{ ok: boolean; text: string }> {
          return evalInFreshVm(image, heapBytes, classFile);
        },
      };
    },
  };
}

async function evalInFreshVm(image: Uint8Array, heapBytes: number, classFile: Uint8Array): Promise<{ ok: boolean; text: string }> {
  const outs: Uint8Array[] = [];
  const errs: Uint8Array[] = [];
  const vm = TalcVM.createSync({ heapBytes, classPath: [], stdout: (b) => outs.push(b.slice()), stderr: (b) => errs.push(b.slice()) });
  vm.loadImage(image);
  const ex = vm.exports;
  const p = ex.vm_scratch(classFile.length);
  new Uint8Array(ex.memory.buffer, p, classFile.length).set(classFile);
  const cls = ex.vm_linkClass(p, classFile.length);
  if (cls < 0) return { ok: false, text: `the device could not link the expression: ${vm.errorText()}` };
  const name = classNameOf(classFile);
  vm.start([name]);
  let slices = 0;
  while (ex.vm_run(SLICE) === 0) {
    if (++slices > EVAL_SLICES) return { ok: false, text: "evaluation took too long (stopped)" };
    await new Promise<void>((r) => setImmediate(r));
  }
  const text = Buffer.concat(outs).toString("utf8");
  const err = Buffer.concat(errs).toString("utf8");
  if (vm.exitStatus !== 0 || err.length > 0) return { ok: false, text: (err + text).trim() };
  return { ok: true, text };
}

/** The class name of a TCF class file (docs/ARCHITECTURE.md: magic, u16, u16, str name). */
export function classNameOf(tcf: Uint8Array): string {
  if (tcf.length < 12) throw new Error("class file too short");
  const dv = new DataView(tcf.buffer, tcf.byteOffset, tcf.length);
  const n = dv.getUint32(8, true);
  if (12 + n > tcf.length) throw new Error("class file name out of range");
  return new TextDecoder().decode(tcf.subarray(12, 12 + n));
}
