// talc run --board NAME --flash FILE [args…]: power on a simulated board.
//
// The flash file keeps its bytes between runs like real flash.  Boot follows
// the device's own code (host-tools/flash/device.ts runs vm-as/flash in wasm):
//
//   boot record → active slot → verify + expand ──▶ vm_loadImage ──▶ confirm ──▶ run
//                      ▲                                  │ refused
//                      └──────── reject (next slot) ◀─────┘
//
// An image the VM refuses is rejected, so the device falls back to the other
// slot, as a board whose image fails to start would after its attempts.
// The running VM gets the same flash: `Talc snapshot` writes the running
// image into the inactive slot, which boots next (on trial).
import { resolve } from "node:path";
import { loadBoard } from "../flash/board.js";
import { FlashDevice } from "../flash/device.js";
import { SimFlash } from "../flash/simflash.js";
import { buildClassPath } from "../classpath.js";
import { IMAGE_HEADER_BYTES, IH_HEAP_WANTED, IH_WORD_BITS } from "../../vm-as/layout.js";
import { CliError, plainMessage, type CliIO } from "./context.js";
import { createVM } from "./vm.js";
import { DEFAULT_HEAP_BYTES, DEFAULT_STACK_BYTES } from "./options.js";

export interface BootOptions {
  board: string;
  flash: string;
  classpath?: string;
  heap?: number;
  stack?: number;
  debugVm?: boolean;
}

/** 16-bit memory (docs/16-BIT.md): heap for the objects (the object and page tables come on top) and frame stack. */
export const DEFAULT_HEAP16_BYTES = 2 * 1024 * 1024;
export const STACK16_BYTES = 1024 * 1024;

/** IH_HEAP_WANTED of an image, read without checking anything (the VM checks). */
export function heapWanted(bytes: Uint8Array): number {
  if (bytes.length < IMAGE_HEADER_BYTES) return 0;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(IH_HEAP_WANTED, true);
}

/** "slot 1: payload corrupt …" (the device's text) → "slot 1 refused (payload corrupt …)". */
export function refusalLine(text: string): string {
  const m = /^slot (\d+): (.*)$/s.exec(text);
  return m === null ? text : `slot ${m[1]} refused (${m[2]})`;
}

export async function bootFromFlash(io: CliIO, args: string[], o: BootOptions): Promise<number> {
  let board;
  let flash: SimFlash;
  try {
    board = loadBoard(o.board);
    flash = SimFlash.openFile(resolve(io.cwd, o.flash), board.flashSize, board.sectorSize);
  } catch (e) {
    throw new CliError(plainMessage(e));
  }
  try {
    // Each slot gets its chance; then the device has nothing left to boot.
    for (let attempt = 0; attempt <= board.slots.length; attempt++) {
      const dev = FlashDevice.open(flash, board);
      let image: Uint8Array;
      let slot: number;
      let refused: string;
      try {
        ({ image, slot, refused } = dev.boot());
      } catch (e) {
        throw new CliError(`board '${board.name}' (${o.flash}): no bootable image: ${plainMessage(e)}`);
      }
      // the device passed over the other image (corrupt, abandoned trial): say why, once
      if (refused !== "") io.stderr(`talc: ${refusalLine(refused)}; booting slot ${slot}\n`);
      // A 16-bit image (board wordBits 16: the device refused any other) runs on
      // the 16-bit VM build, without the flash: that VM does not write images,
      // so `Talc snapshot` answers false there (no flash geometry).
      // A 32-bit image gets the same flash and board: `Talc snapshot` writes to them.
      const classPath = buildClassPath(o.classpath, undefined, io.cwd);
      const vm = image.length > IH_WORD_BITS && image[IH_WORD_BITS] === 16
        ? await createVM(io, classPath, o.heap ?? DEFAULT_HEAP16_BYTES, STACK16_BYTES, false, undefined,
          o.debugVm === true ? "talc16.debug.wasm" : "talc16.wasm")
        : await createVM(io, classPath, o.heap ?? Math.max(DEFAULT_HEAP_BYTES, heapWanted(image)),
          o.stack ?? DEFAULT_STACK_BYTES, o.debugVm === true, { flash, board });
      try {
        vm.loadImage(image);
      } catch (e) {
        io.stderr(`talc: board '${board.name}': the VM refused the image in flash (${plainMessage(e).replace(/^image refused: (?=image refused)/, "")}); falling back\n`);
        dev.reject();
        continue;
      }
      const entry = vm.entry();
      if (entry === null) throw new CliError(`board '${board.name}': the image in flash has no entry class`);
      dev.confirm();
      vm.start([entry, ...args]);
      return await vm.runToEnd();
    }
    throw new CliError(`board '${board.name}' (${o.flash}): no slot holds an image the VM accepts`);
  } finally {
    flash.close();
  }
}
