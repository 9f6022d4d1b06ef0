// The simulated flash behaves like NOR flash: erase → 0xFF per sector,
// program only clears bits, the file keeps its bytes, the power can be cut.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlashFault, PowerCut, SimFlash } from "../../host-tools/flash/simflash.js";

describe("simulated flash", () => {
  it("erases whole sectors to 0xFF and programs by clearing bits", () => {
    const f = SimFlash.erased(4096, 1024);
    f.program(10, new Uint8Array([0xf0, 0x0f]));
    expect([...f.read(10, 2)]).toEqual([0xf0, 0x0f]);
    f.program(10, new Uint8Array([0x30, 0x0f])); // clearing more bits is fine
    expect(f.read(10, 1)[0]).toBe(0x30);
    f.erase(0);
    expect(f.read(0, 1024).every((b) => b === 0xff)).toBe(true);
  });

  it("refuses to set a 0 bit back to 1, changing nothing", () => {
    const f = SimFlash.erased(4096, 1024);
    f.program(100, new Uint8Array([0x00, 0x00]));
    expect(() => f.program(99, new Uint8Array([0x00, 0x01, 0x00]))).toThrow(FlashFault);
    expect(() => f.program(100, new Uint8Array([0x01]))).toThrow(/would set bits.*erase first/);
    expect([...f.read(99, 3)]).toEqual([0xff, 0x00, 0x00]);
  });

  it("refuses misaligned erases and out-of-range access", () => {
    const f = SimFlash.erased(4096, 1024);
    expect(() => f.erase(512)).toThrow(/not sector aligned/);
    expect(() => f.erase(4096)).toThrow(/outside the flash/);
    expect(() => f.program(4095, new Uint8Array(2))).toThrow(/outside the flash/);
    expect(() => f.read(-1, 1)).toThrow(/outside the flash/);
  });

  it("writes through to its file, which keeps its bytes between opens", () => {
    const dir = mkdtempSync(join(tmpdir(), "talc-simflash-"));
    const path = join(dir, "f.bin");
    writeFileSync(path, new Uint8Array(4096).fill(0xff));
    const f = SimFlash.openFile(path, 4096, 1024);
    f.program(2000, new Uint8Array([1, 2, 3]));
    f.erase(3072);
    f.close();
    const g = SimFlash.openFile(path, 4096, 1024);
    expect([...g.read(2000, 3)]).toEqual([1, 2, 3]);
    g.close();
    expect(readFileSync(path)[2001]).toBe(2);
    expect(() => SimFlash.openFile(path, 8192, 1024)).toThrow(/flash file has 4096 bytes, the board's flash has 8192/);
    expect(() => SimFlash.openFile(join(dir, "none"), 4096, 1024)).toThrow(/no such flash file/);
  });

  it("cuts the power before operation k: nothing, or half of the bytes, happens", () => {
    const f = SimFlash.erased(4096, 1024);
    f.cut = { budget: 1, mode: "none" };
    f.program(0, new Uint8Array([0]));
    expect(() => f.program(8, new Uint8Array(8))).toThrow(PowerCut);
    expect(f.read(8, 8).every((b) => b === 0xff)).toBe(true);
    const g = SimFlash.erased(4096, 1024);
    g.cut = { budget: 0, mode: "half" };
    expect(() => g.program(8, new Uint8Array(8))).toThrow(PowerCut);
    expect([...g.read(8, 8)]).toEqual([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const h = SimFlash.erased(4096, 1024);
    h.program(0, new Uint8Array(1024));
    h.cut = { budget: 0, mode: "half" };
    expect(() => h.erase(0)).toThrow(PowerCut);
    expect(h.read(0, 512).every((b) => b === 0xff)).toBe(true);
    expect(h.read(512, 512).every((b) => b === 0)).toBe(true);
  });
});
