import { describe, it, expect, beforeAll } from "vitest";
import { buildFlashWasm, makeVmImage } from "./helpers.js";
import { loadBoard } from "../../host-tools/flash/board.js";
import { packImage, verifyImage } from "../../host-tools/flash/format.js";
import { SimFlash } from "../../host-tools/flash/simflash.js";
import { FlashDevice } from "../../host-tools/flash/device.js";

beforeAll(() => buildFlashWasm());

describe("smoke", () => {
  it("packs, writes and boots", () => {
    const board = loadBoard("sim");
    const raw = makeVmImage(200_000, 7);
    const packed = packImage(raw, board);
    console.log(raw.length, packed.length);
    expect(verifyImage(packed, { board }).raw).toEqual(raw);
    const flash = SimFlash.erased(board.flashSize, board.sectorSize);
    const dev = FlashDevice.open(flash, board);
    expect(dev.update(packed)).toBe(0);
    const t0 = performance.now();
    const b = FlashDevice.open(flash, board).boot();
    console.log("boot ms", performance.now() - t0);
    expect(b.slot).toBe(0);
    expect(b.image).toEqual(raw);
  });
});
