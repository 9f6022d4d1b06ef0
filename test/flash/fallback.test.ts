// Boot record: trial boots, confirmation, fallback after N failed boots,
// rejection by the VM, an update while a trial is pending.
import { describe, it, expect, beforeAll } from "vitest";
import { buildFlashWasm, makeVmImage, tinyBoard, flashWithA, equalBytes } from "./helpers.js";
import { packImage } from "../../host-tools/flash/format.js";
import { FlashDevice } from "../../host-tools/flash/device.js";

beforeAll(() => buildFlashWasm());

describe("boot record and slots", () => {
  const board = tinyBoard();

  it("a new image goes to the inactive slot and boots on trial", () => {
    const { flash } = flashWithA(board);
    const rawB = makeVmImage(30_000, 12);
    expect(FlashDevice.open(flash, board).update(packImage(rawB, board))).toBe(1);
    const rec = FlashDevice.open(flash, board).record();
    expect(rec).toMatchObject({ found: true, active: 1, state: "trial", attempts: 0, fallback: 0 });
    const d = FlashDevice.open(flash, board);
    const b = d.boot();
    expect(b.slot).toBe(1);
    expect(equalBytes(b.image, rawB)).toBe(true);
    expect(d.record()).toMatchObject({ active: 1, state: "trial", attempts: 1 });
    d.confirm();
    expect(d.record()).toMatchObject({ active: 1, state: "confirmed", fallback: null });
    // the next update targets slot 0 now
    expect(FlashDevice.open(flash, board).update(packImage(makeVmImage(5000, 13), board))).toBe(0);
  });

  it(`an image that never confirms is abandoned after maxBootAttempts (${3}) boots`, () => {
    const { flash, rawA } = flashWithA(board);
    const rawB = makeVmImage(30_000, 14);
    FlashDevice.open(flash, board).update(packImage(rawB, board));
    for (let i = 1; i <= board.maxBootAttempts; i++) {
      const d = FlashDevice.open(flash, board);
      const b = d.boot(); // no confirm: the VM "crashed"
      expect(b.slot).toBe(1);
      expect(d.record().attempts).toBe(i);
    }
    const d = FlashDevice.open(flash, board);
    const b = d.boot();
    expect(b.slot).toBe(0);
    expect(equalBytes(b.image, rawA)).toBe(true);
    expect(b.refused).toBe("slot 1: trial image abandoned after 3 boots without confirmation");
    expect(d.record()).toMatchObject({ active: 0, state: "confirmed" });
    // stays with A from now on
    expect(FlashDevice.open(flash, board).boot().slot).toBe(0);
  });

  it("an image the VM rejects is abandoned at once", () => {
    const { flash, rawA } = flashWithA(board);
    FlashDevice.open(flash, board).update(packImage(makeVmImage(30_000, 15), board));
    const d = FlashDevice.open(flash, board);
    expect(d.boot().slot).toBe(1);
    expect(d.reject()).toBe(0);
    const b = FlashDevice.open(flash, board).boot();
    expect(b.slot).toBe(0);
    expect(equalBytes(b.image, rawA)).toBe(true);
  });

  it("an update while a trial is pending replaces the untested image, keeping the confirmed fallback", () => {
    const { flash, rawA } = flashWithA(board);
    FlashDevice.open(flash, board).update(packImage(makeVmImage(30_000, 16), board));
    const rawC = makeVmImage(10_000, 17);
    expect(FlashDevice.open(flash, board).update(packImage(rawC, board))).toBe(1);
    expect(FlashDevice.open(flash, board).record()).toMatchObject({ active: 1, state: "trial", fallback: 0 });
    expect(equalBytes(FlashDevice.open(flash, board).boot().image, rawC)).toBe(true);
    for (let i = 0; i < board.maxBootAttempts; i++) FlashDevice.open(flash, board).boot();
    expect(equalBytes(FlashDevice.open(flash, board).boot().image, rawA)).toBe(true);
  });

  it("the journal survives many records (sector roll-over) and keeps the newest state", () => {
    const { flash } = flashWithA(board);
    const places = board.sectorSize / 32;
    for (let i = 0; i < places * 3 + 5; i++) {
      const d = FlashDevice.open(flash, board);
      FlashDevice.open(flash, board).update(packImage(makeVmImage(2000 + i, i), board, { effort: "fast" }));
      const b = FlashDevice.open(flash, board);
      b.boot();
      b.confirm();
      expect(d.record().seq).toBeGreaterThan(0);
    }
    const rec = FlashDevice.open(flash, board).record();
    expect(rec.state).toBe("confirmed");
    expect(rec.seq).toBeGreaterThan(places * 3);
  });

  it("a fresh flash with no image refuses to boot with a clear reason", () => {
    const { flash } = flashWithA(board);
    flash.bytes.fill(0xff);
    expect(() => FlashDevice.open(flash, board).boot()).toThrow(/slot 0: not a Talc flash image \(bad magic\): slot is erased/);
  });
});
