// With the real VM: a kernel + Hello image built by the image builder is
// packed, written to a simulated board, booted by the device code, loaded
// and run; a snapshot of the running VM boots next and runs the same.
import { describe, it, expect, beforeAll } from "vitest";
import { join } from "node:path";
import { buildFlashWasm, ROOT, equalBytes } from "./helpers.js";
import { buildImage } from "../../host-tools/image/builder.js";
import { TalcVM } from "../../host-tools/vm/vmhost.js";
import { kernelDir } from "../../host-tools/classpath.js";
import { loadBoard } from "../../host-tools/flash/board.js";
import { packImage, packStats, readHeader, verifyImage } from "../../host-tools/flash/format.js";
import { FI_HEADER_BYTES } from "../../vm-as/flash/layout.js";
import { SimFlash } from "../../host-tools/flash/simflash.js";
import { FlashDevice } from "../../host-tools/flash/device.js";
import { measureBoot } from "../../host-tools/flash/boottime.js";

beforeAll(() => buildFlashWasm());

async function runImage(image: Uint8Array): Promise<{ status: number; out: string }> {
  let out = "";
  const vm = await TalcVM.create({ heapBytes: 4 << 20, classPath: [], stdout: (b) => { out += Buffer.from(b).toString(); }, stderr: (b) => { out += Buffer.from(b).toString(); } });
  vm.loadImage(image);
  vm.start([vm.entry() ?? "?"]);
  return { status: await vm.runToEnd(), out };
}

describe("flash images of the real VM", () => {
  it("kernel + Hello: pack (smaller than gzip -9), boot from flash, run; snapshot boots next", async () => {
    const raw = await buildImage({ classPath: [join(ROOT, "examples"), kernelDir()], main: "Hello", heapBytes: 4 << 20 });
    const board = loadBoard("sim");
    const packed = packImage(raw, board);
    const st = packStats(raw, packed);
    expect(st.ratioVsGzip).toBeLessThan(1);
    expect(equalBytes(verifyImage(packed, { board }).raw, raw)).toBe(true);

    const flash = SimFlash.erased(board.flashSize, board.sectorSize);
    expect(FlashDevice.open(flash, board).update(packed)).toBe(0);
    const dev = FlashDevice.open(flash, board);
    const booted = dev.boot();
    expect(equalBytes(booted.image, raw)).toBe(true);
    const r = await runImage(booted.image);
    expect(r).toEqual({ status: 0, out: "Hello from Talc!\n" });
    dev.confirm();

    // what the snapshot primitive does: the VM's image → inactive slot, trial
    const vm = await TalcVM.create({ heapBytes: 4 << 20, classPath: [], stdout: () => {}, stderr: () => {} });
    vm.loadImage(booted.image);
    const snap = vm.snapshot();
    expect(dev.snapshot(snap)).toBe(1);
    const sh = readHeader(flash.read(board.slots[1].offset, FI_HEADER_BYTES));
    console.log(`snapshot: ${snap.length} bytes -> ${sh.payloadBytes} (device compressor), host packer ${packed.length - FI_HEADER_BYTES}`);
    expect(sh.payloadBytes).toBeLessThan(snap.length * 0.6);
    const next = FlashDevice.open(flash, board);
    const b2 = next.boot();
    expect(b2.slot).toBe(1);
    expect(equalBytes(b2.image, snap)).toBe(true);
    expect(await runImage(b2.image)).toEqual({ status: 0, out: "Hello from Talc!\n" });
    next.confirm();
    expect(next.record()).toMatchObject({ active: 1, state: "confirmed" });
  });

  it("measures boot time: verify + expand, load, first bytecode", async () => {
    const raw = await buildImage({ classPath: [join(ROOT, "examples"), kernelDir()], main: "Hello", heapBytes: 4 << 20 });
    const t = await measureBoot(raw, { repeat: 3 });
    expect(t.rawBytes).toBe(raw.length);
    expect(t.packedBytes).toBeLessThan(raw.length / 2);
    for (const v of [t.verifyExpandMs, t.loadImageMs, t.firstBytecodeMs]) expect(v).toBeGreaterThan(0);
    expect(t.totalMs).toBeCloseTo(t.verifyExpandMs + t.loadImageMs + t.firstBytecodeMs, 6);
  });
});
