// Thousands of corrupted images through the device's boot path (AS code:
// header checks, CRC-32, inflate, SHA-256): never a trap, never a hang; each
// boot answers the previous image (or, for a harmless change, the new one).
import { describe, it, expect, beforeAll } from "vitest";
import { buildFlashWasm, makeVmImage, tinyBoard, flashWithA, equalBytes, rng } from "./helpers.js";
import { reseal } from "./corrupt.js";
import { packImage } from "../../host-tools/flash/format.js";
import { FlashDevice } from "../../host-tools/flash/device.js";
import { FI_HEADER_BYTES, FI_PAYLOAD_BYTES_OFF } from "../../vm-as/flash/layout.js";
import { sealHeader } from "../../host-tools/flash/format.js";

beforeAll(() => buildFlashWasm());

const ROUNDS = 3000;

describe("fuzz: corrupted images through the boot path", () => {
  it(`${ROUNDS} corrupted trial images: no trap, no hang, the previous image boots`, () => {
    const board = tinyBoard();
    const { flash, rawA } = flashWithA(board, makeVmImage(6_000, 51));
    const rawB = makeVmImage(12_000, 52);
    const good = packImage(rawB, board);
    FlashDevice.open(flash, board).update(good);
    const off = board.slots[1].offset;
    const slotSectors = Math.ceil((good.length + 64) / board.sectorSize);
    const journal = flash.read(0, 2 * board.sectorSize).slice();
    const r = rng(0xf00d);
    const outcomes = { old: 0, new: 0 };
    const kinds = [0, 0, 0, 0, 0];
    const t0 = performance.now();
    let worst = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const bad = good.slice();
      const kind = r() % 5;
      kinds[kind]++;
      const flips = 1 + (r() % 8);
      if (kind === 0) {
        // raw bit flips anywhere (mostly caught by CRCs)
        for (let j = 0; j < flips; j++) bad[r() % bad.length] ^= 1 << (r() % 8);
      } else if (kind === 1 || kind === 2) {
        // payload damage with valid CRCs: exercises inflate and SHA-256
        for (let j = 0; j < flips; j++) {
          const p = FI_HEADER_BYTES + (r() % (bad.length - FI_HEADER_BYTES));
          if (kind === 1) bad[p] ^= 1 << (r() % 8); else bad[p] = r() & 0xff;
        }
        reseal(bad);
      } else if (kind === 3) {
        // header fields randomised, header CRC valid: lying sizes etc.
        for (let j = 0; j < flips; j++) bad[r() % 92] = r() & 0xff;
        if (r() & 1) new DataView(bad.buffer).setUint32(FI_PAYLOAD_BYTES_OFF, r() % (good.length * 2), true);
        sealHeader(bad);
      } else {
        // random DEFLATE stream of random length, valid CRCs
        const n = 1 + (r() % 600);
        for (let j = 0; j < n; j++) bad[FI_HEADER_BYTES + j] = r() & 0xff;
        new DataView(bad.buffer).setUint32(FI_PAYLOAD_BYTES_OFF, n, true);
        reseal(bad);
      }
      // restore the journal (B on trial) and put the bad image into slot 1
      for (let s = 0; s < 2; s++) flash.erase(s * board.sectorSize);
      flash.program(0, journal);
      for (let s = 0; s < slotSectors; s++) flash.erase(off + s * board.sectorSize);
      flash.program(off, bad.subarray(0, slotSectors * board.sectorSize));
      const t = performance.now();
      let b;
      try {
        b = FlashDevice.open(flash, board).boot();
      } catch (e) {
        throw new Error(`round ${i} (kind ${kind}): boot threw ${(e as Error).name}: ${(e as Error).message}`);
      }
      worst = Math.max(worst, performance.now() - t);
      if (b.slot === 0) {
        expect(equalBytes(b.image, rawA)).toBe(true);
        outcomes.old++;
      } else {
        // only a change the image does not depend on (e.g. spare bits) may boot B
        expect(equalBytes(b.image, rawB)).toBe(true);
        outcomes.new++;
      }
    }
    const ms = performance.now() - t0;
    console.log(`fuzz: ${ROUNDS} boots in ${ms.toFixed(0)} ms (worst ${worst.toFixed(1)} ms), kinds ${kinds.join("/")}, old ${outcomes.old}, new ${outcomes.new}`);
    expect(outcomes.old).toBeGreaterThan(ROUNDS * 0.9);
    expect(worst).toBeLessThan(2000);
  });

  it("random bytes as a whole slot never trap", () => {
    const board = tinyBoard();
    const { flash } = flashWithA(board, makeVmImage(4_000, 53));
    const r = rng(77);
    for (let i = 0; i < 300; i++) {
      const d = FlashDevice.open(flash, board);
      const n = FI_HEADER_BYTES + (r() % 3000);
      const junk = new Uint8Array(n);
      for (let j = 0; j < n; j++) junk[j] = r() & 0xff;
      // a valid magic/version/CRC header over random fields half of the time
      if (i & 1) {
        new DataView(junk.buffer).setUint32(0, 0x31494654, true);
        new DataView(junk.buffer).setUint16(4, 1, true);
        sealHeader(junk);
      }
      const off = board.slots[1].offset;
      for (let s = 0; s < Math.ceil(n / board.sectorSize); s++) flash.erase(off + s * board.sectorSize);
      flash.program(off, junk);
      expect(() => d.verifySlot(1)).toThrow();
    }
  });
});
