// Every corruption kind is refused with the right message by `image info`,
// by `flash-file write` (leaving the flash file untouched), and at boot
// (where the previous image still runs).
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFlashWasm, makeVmImage, equalBytes } from "./helpers.js";
import { corruptions } from "./corrupt.js";
import { loadBoard } from "../../host-tools/flash/board.js";
import { FlashImageError, packImage, verifyImage } from "../../host-tools/flash/format.js";
import { SimFlash } from "../../host-tools/flash/simflash.js";
import { DeviceError, FlashDevice } from "../../host-tools/flash/device.js";
import { flashFileCommand, imageCommand } from "../../host-tools/flash/commands.js";
import { FE_PAYLOAD_CRC, FE_TRUNCATED } from "../../vm-as/flash/layout.js";

beforeAll(() => buildFlashWasm());

function capture(cwd: string) {
  let out = "", err = "";
  const dec = new TextDecoder();
  return {
    io: { cwd, stdout: (s: Uint8Array | string) => { out += typeof s === "string" ? s : dec.decode(s); },
      stderr: (s: Uint8Array | string) => { err += typeof s === "string" ? s : dec.decode(s); } },
    out: () => out, err: () => err,
  };
}

describe("corrupt images are refused", () => {
  const board = loadBoard("sim");
  const rawA = makeVmImage(40_000, 31);
  const rawB = makeVmImage(50_000, 32);
  const good = packImage(rawB, board, { serial: 2 });
  const dir = mkdtempSync(join(tmpdir(), "talc-flash-"));

  for (const [ci, c] of corruptions.entries()) {
    describe(c.name, () => {
      const bad = c.apply(good);

      it("by the host verifier (info, unpack, write)", () => {
        let e: unknown;
        try { verifyImage(bad, { board }); } catch (x) { e = x; }
        expect(e).toBeInstanceOf(FlashImageError);
        expect((e as FlashImageError).code).toBe(c.code);
        expect((e as Error).message).toMatch(c.message);
      });

      it("by `talc image info` (status 1, one line on stderr)", async () => {
        const f = join(dir, `bad-${ci}.tfi`);
        writeFileSync(f, bad);
        const cap = capture(dir);
        expect(await imageCommand(["info", f], cap.io)).toBe(1);
        expect(cap.err()).toMatch(c.message);
        expect(cap.err().trim().split("\n")).toHaveLength(1);
      });

      it("by `talc flash-file write`, which leaves the flash file as it was", async () => {
        const flashFile = join(dir, `flash-${ci}.bin`);
        const imgFile = join(dir, `bad-w-${ci}.tfi`);
        writeFileSync(imgFile, bad);
        const cap = capture(dir);
        expect(await flashFileCommand(["create", flashFile], cap.io)).toBe(0);
        const a = join(dir, `a-${ci}.img`);
        writeFileSync(a, rawA);
        expect(await flashFileCommand(["write", flashFile, a], cap.io)).toBe(0);
        const before = readFileSync(flashFile);
        const cap2 = capture(dir);
        expect(await flashFileCommand(["write", flashFile, imgFile], cap2.io)).toBe(1);
        expect(cap2.err()).toMatch(c.message);
        expect(readFileSync(flashFile).equals(before)).toBe(true);
      });

      it("at boot, where the previous image still boots", () => {
        const flash = SimFlash.erased(board.flashSize, board.sectorSize);
        FlashDevice.open(flash, board).update(packImage(rawA, board, { serial: 1 }));
        const d0 = FlashDevice.open(flash, board);
        d0.boot();
        d0.confirm();
        // a good update, then its slot goes bad (as if written by a faulty tool or rotted)
        expect(FlashDevice.open(flash, board).update(good)).toBe(1);
        const off = board.slots[1].offset;
        for (let s = 0; s < board.slots[1].size; s += board.sectorSize) flash.erase(off + s);
        flash.program(off, bad.subarray(0, Math.min(bad.length, board.slots[1].size)));
        // a truncated image in flash is followed by erased bytes: its CRC fails
        const code = c.code === FE_TRUNCATED ? FE_PAYLOAD_CRC : c.code;
        const dev = FlashDevice.open(flash, board);
        let e: unknown;
        try { dev.verifySlot(1); } catch (x) { e = x; }
        expect(e).toBeInstanceOf(DeviceError);
        expect((e as DeviceError).code).toBe(code);
        if (code === c.code) expect((e as Error).message).toMatch(c.message);
        const b = FlashDevice.open(flash, board).boot();
        expect(b.slot).toBe(0);
        expect(equalBytes(b.image, rawA)).toBe(true);
        expect(b.refused).toMatch(/^slot 1: /);
        expect(FlashDevice.open(flash, board).record()).toMatchObject({ active: 0, state: "confirmed" });
      });
    });
  }
});
