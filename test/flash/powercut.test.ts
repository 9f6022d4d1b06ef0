// A power cut at every flash operation of an update, a snapshot, a boot
// (journal update), a confirmation and a journal roll-over: the board always
// boots a valid image — the old one or the new one.
import { describe, it, expect, beforeAll } from "vitest";
import { buildFlashWasm, makeVmImage, tinyBoard, flashWithA } from "./helpers.js";
import { packImage } from "../../host-tools/flash/format.js";
import { FlashDevice } from "../../host-tools/flash/device.js";
import { powerCutSweep } from "../../host-tools/flash/powercut.js";
import { PowerCut } from "../../host-tools/flash/simflash.js";
import { rng } from "./helpers.js";

beforeAll(() => buildFlashWasm());

describe("power cut at every flash operation", () => {
  const board = tinyBoard();
  const rawB = makeVmImage(30_000, 41);
  const packedB = packImage(rawB, board, { serial: 2 });

  it("during an update: old image or (after the commit record) new image boots", () => {
    const { flash, rawA } = flashWithA(board);
    const r = powerCutSweep({ board, base: flash, valid: [rawA, rawB], action: (d) => { d.update(packedB); } });
    expect(r.actionOps).toBeGreaterThan(20);
    expect(r.cuts).toBe(2 * (r.actionOps + 1));
    expect(r.booted[0]).toBeGreaterThan(0);
    expect(r.booted[1]).toBeGreaterThan(0);
  });

  it("during an update onto a fresh flash (factory write): no image, or the new one", () => {
    const { flash } = flashWithA(board);
    flash.bytes.fill(0xff);
    let failures = 0;
    let ok = 0;
    for (let k = 0; ; k++) {
      const f = flash.copy();
      f.cut = { budget: k, mode: "half" };
      let done = false;
      try { FlashDevice.open(f, board).update(packedB); done = true; } catch (e) { if (!(e instanceof PowerCut)) throw e; }
      f.cut = null;
      try { FlashDevice.open(f, board).boot(); ok++; } catch { failures++; }
      if (done) break;
    }
    // nothing to fall back to before the image is complete; once complete it boots
    expect(ok).toBeGreaterThan(0);
    expect(failures).toBeGreaterThan(0);
  });

  it("during a snapshot written by the running VM", () => {
    const { flash, rawA } = flashWithA(board);
    const rawS = makeVmImage(20_000, 42);
    const r = powerCutSweep({
      board, base: flash, valid: [rawA, rawS],
      action: (d) => { d.boot(); d.confirm(); d.snapshot(rawS); },
    });
    expect(r.booted[0]).toBeGreaterThan(0);
    expect(r.booted[1]).toBeGreaterThan(0);
  });

  it("during a trial boot, its confirmation, and a VM rejection", () => {
    const { flash, rawA } = flashWithA(board);
    FlashDevice.open(flash, board).update(packedB);
    for (const action of [
      (d: FlashDevice) => { d.boot(); },
      (d: FlashDevice) => { d.boot(); d.confirm(); },
      (d: FlashDevice) => { d.boot(); d.reject(); },
    ]) {
      const r = powerCutSweep({ board, base: flash, valid: [rawA, rawB], action });
      expect(r.cuts).toBeGreaterThan(2);
    }
  });

  it("during the fallback after the last failed trial boot", () => {
    const { flash, rawA } = flashWithA(board);
    FlashDevice.open(flash, board).update(packedB);
    for (let i = 0; i < board.maxBootAttempts; i++) FlashDevice.open(flash, board).boot();
    const r = powerCutSweep({
      board, base: flash, valid: [rawA, rawB], action: (d) => { d.boot(); },
      after: (_f, b) => { expect(b.which).toBe(0); },
    });
    expect(r.booted[1]).toBe(0);
  });

  it("during journal roll-over (erase of the other boot-record sector)", () => {
    const { flash, rawA } = flashWithA(board);
    // fill the current journal sector up to its last place (one record per
    // update, boot and confirm), ending in the confirmed state
    const places = board.sectorSize / 32;
    let seq = FlashDevice.open(flash, board).record().seq;
    for (let guard = 0; seq % places !== 0; guard++) {
      expect(guard).toBeLessThan(places * 3);
      FlashDevice.open(flash, board).update(packedB);
      const d = FlashDevice.open(flash, board);
      d.boot();
      d.confirm();
      seq = d.record().seq;
    }
    const r = powerCutSweep({
      board, base: flash, valid: [rawA, rawB],
      action: (d) => { d.update(packedB); const e = FlashDevice.open(d.flash, board); e.boot(); e.confirm(); },
    });
    expect(r.cuts).toBeGreaterThan(10);
  });

  it("two cuts in a row (update, then the first boot), at random points", () => {
    const { flash, rawA } = flashWithA(board);
    const rnd = rng(4242);
    for (let i = 0; i < 150; i++) {
      const f = flash.copy();
      f.cut = { budget: rnd() % 70, mode: rnd() & 1 ? "half" : "none" };
      try { FlashDevice.open(f, board).update(packedB); } catch (e) { if (!(e instanceof PowerCut)) throw e; }
      f.cut = { budget: rnd() % 4, mode: rnd() & 1 ? "half" : "none" };
      try { FlashDevice.open(f, board).boot(); } catch (e) { if (!(e instanceof PowerCut)) throw e; }
      f.cut = null;
      const b = FlashDevice.open(f, board).boot();
      expect([rawA.length, rawB.length]).toContain(b.image.length);
    }
  });
});

describe("power cut with the journal lost", () => {
  const board = tinyBoard();
  it("an update onto a flash whose boot record sectors are erased keeps the image in slot 0 as fallback", () => {
    const { flash, rawA } = flashWithA(board);
    flash.erase(0);
    flash.erase(board.sectorSize);
    const rawB = makeVmImage(9_000, 43);
    const r = powerCutSweep({ board, base: flash, valid: [rawA, rawB], action: (d) => { d.update(packImage(rawB, board, { effort: "fast" })); } });
    expect(r.booted[0]).toBeGreaterThan(0);
    expect(r.booted[1]).toBeGreaterThan(0);
    const f = flash.copy();
    expect(FlashDevice.open(f, board).update(packImage(rawB, board, { effort: "fast" }))).toBe(1);
    expect(FlashDevice.open(f, board).record()).toMatchObject({ active: 1, state: "trial", fallback: 0 });
  });
});
