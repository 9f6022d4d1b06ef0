// Boot time of an image on the simulated board: verify + expand (the
// device's flash_boot: header, CRC-32, inflate, SHA-256), load into the VM
// (vm_loadImage: validation and relocation), first bytecode (start + one
// bytecode).  For `npm run bench` (host-tools/bench) and docs/IMAGE-FORMAT.md.
import { TalcVM } from "../vm/vmhost.js";
import { loadBoard, type Board } from "./board.js";
import { FlashDevice } from "./device.js";
import { packImage } from "./format.js";
import { SimFlash } from "./simflash.js";

export interface BootTiming {
  rawBytes: number;
  packedBytes: number;
  /** flash_boot: find slot, verify header + CRC-32, inflate, SHA-256 (ms, best of `repeat`). */
  verifyExpandMs: number;
  /** vm_loadImage of the expanded bytes (ms). */
  loadImageMs: number;
  /** start (system initialize: args) + the first bytecode (ms). */
  firstBytecodeMs: number;
  /** sum of the three, each best of `repeat` */
  totalMs: number;
  /** expanded bytes per second of flash_boot (MB/s) */
  expandMBps: number;
}

interface RunOne { vm_run(budget: number): number }

export async function measureBoot(raw: Uint8Array, opts: { board?: Board; repeat?: number; heapBytes?: number } = {}): Promise<BootTiming> {
  const board = opts.board ?? loadBoard("sim");
  const repeat = opts.repeat ?? 10;
  const packed = packImage(raw, board);
  const flash = SimFlash.erased(board.flashSize, board.sectorSize);
  FlashDevice.open(flash, board).update(packed);
  const first = FlashDevice.open(flash, board);
  first.boot();
  first.confirm(); // from now on a boot writes nothing
  let verify = Infinity, load = Infinity, start = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const { image } = FlashDevice.open(flash, board).boot();
    const t1 = performance.now();
    const vm = TalcVM.createSync({ heapBytes: opts.heapBytes ?? Math.max(4 << 20, raw.length * 4), classPath: [], stdout: () => {}, stderr: () => {} });
    const t2 = performance.now();
    vm.loadImage(image);
    const t3 = performance.now();
    const entry = vm.entry() ?? "Object";
    vm.start([entry]);
    // one bytecode: TalcVM has no public single-slice run yet
    const ex = (vm as unknown as { ex?: RunOne }).ex;
    if (ex === undefined || typeof ex.vm_run !== "function") throw new Error("measureBoot: TalcVM no longer exposes vm_run");
    ex.vm_run(1);
    const t4 = performance.now();
    verify = Math.min(verify, t1 - t0);
    load = Math.min(load, t3 - t2);
    start = Math.min(start, t4 - t3);
  }
  return {
    rawBytes: raw.length,
    packedBytes: packed.length,
    verifyExpandMs: verify,
    loadImageMs: load,
    firstBytecodeMs: start,
    totalMs: verify + load + start,
    expandMBps: raw.length / 1e6 / (verify / 1000),
  };
}
