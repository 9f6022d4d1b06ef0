// Shared helpers for the flash tests: build the device wasm once, make
// synthetic VM images (the real ones come from the VM's snapshot).
import { ensureFlashWasm } from "../../host-tools/flash/device.js";
import { join } from "node:path";
import { IH_HEADER_BYTES, IH_HEAP_USED, IH_HEAP_WANTED, IH_MAGIC, IH_OBJECT_COUNT, IH_VERSION, IH_WORD_BITS, IMAGE_HEADER_BYTES, IMAGE_MAGIC, IMAGE_VERSION } from "../../vm-as/layout.js";

export const ROOT = join(import.meta.dirname, "..", "..");

/** Rebuild build/talc-flash.wasm when any vm-as/flash source is newer. */
export function buildFlashWasm(): void {
  ensureFlashWasm();
}

/** Deterministic PRNG (xorshift32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

/**
 * A synthetic VM image: a valid "TALC" header and a heap-like payload
 * (object headers, small integers, repeated symbols) that compresses like a
 * real heap would, roughly.
 */
export function makeVmImage(heapBytes: number, seed = 1, wordBits = 32): Uint8Array {
  const used = heapBytes & ~3;
  const img = new Uint8Array(IMAGE_HEADER_BYTES + used);
  const v = new DataView(img.buffer);
  v.setUint32(IH_MAGIC, IMAGE_MAGIC, true);
  v.setUint16(IH_VERSION, IMAGE_VERSION, true);
  v.setUint8(IH_WORD_BITS, wordBits);
  v.setUint32(IH_HEADER_BYTES, IMAGE_HEADER_BYTES, true);
  v.setUint32(IH_OBJECT_COUNT, used >> 5, true);
  v.setUint32(IH_HEAP_USED, used, true);
  v.setUint32(IH_HEAP_WANTED, used * 2, true);
  const r = rng(seed);
  const words = ["Object", "printString", "value:", "ifTrue:ifFalse:", "Integer", "Array", "at:put:"];
  let p = IMAGE_HEADER_BYTES;
  while (p + 16 <= img.length) {
    const k = r() % 4;
    if (k === 0) {
      const w = new TextEncoder().encode(words[r() % words.length]);
      const n = Math.min(w.length, img.length - p);
      img.set(w.subarray(0, n), p);
      p += (n + 3) & ~3;
    } else {
      v.setUint32(p, (r() % 4096) * 4 + 0x100, true);
      v.setUint32(p + 4, ((r() & 0xffffff) << 8) | (r() % 11), true);
      v.setUint32(p + 8, (r() % 64) * 2 + 1, true);
      p += 12;
    }
  }
  return img;
}

import { parseBoard, type Board } from "../../host-tools/flash/board.js";
import { packImage } from "../../host-tools/flash/format.js";
import { SimFlash } from "../../host-tools/flash/simflash.js";
import { FlashDevice } from "../../host-tools/flash/device.js";

/** A small board for fast tests: 256 KiB flash, 1 KiB sectors (32 boot records per sector). */
export function tinyBoard(name = "sim"): Board {
  return parseBoard({
    name,
    flash: { size: "0x40000", sectorSize: "0x400" },
    bootRecord: { offset: "0x0" },
    slots: [{ offset: "0x1000", size: "0x1f000" }, { offset: "0x20000", size: "0x1f000" }],
    maxBootAttempts: 3,
    ram: { size: "0x100000" },
  }, "tiny");
}

/** A flash holding image A (confirmed, slot 0); answers the flash and A's plain bytes. */
export function flashWithA(board: Board, rawA = makeVmImage(24_000, 11)): { flash: SimFlash; rawA: Uint8Array } {
  const flash = SimFlash.erased(board.flashSize, board.sectorSize);
  FlashDevice.open(flash, board).update(packImage(rawA, board, { serial: 1 }));
  const d = FlashDevice.open(flash, board);
  d.boot();
  d.confirm();
  return { flash, rawA };
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
