// Flash image format: pack → verify → unpack round trip, the device's
// decoder (AS inflate, CRC-32, SHA-256) agrees with Node's, sizes and ratio.
import { describe, it, expect, beforeAll } from "vitest";
import { gzipSync } from "node:zlib";
import { buildFlashWasm, makeVmImage, tinyBoard, equalBytes, rng } from "./helpers.js";
import { loadBoard } from "../../host-tools/flash/board.js";
import { packImage, readHeader, verifyImage, isFlashImage } from "../../host-tools/flash/format.js";
import { SimFlash } from "../../host-tools/flash/simflash.js";
import { FlashDevice } from "../../host-tools/flash/device.js";
import { crc32 } from "../../host-tools/flash/crc32.js";
import { FI_HEADER_BYTES, FL_DECODER_RAM_BYTES } from "../../vm-as/flash/layout.js";

beforeAll(() => buildFlashWasm());

describe("flash image format", () => {
  it("round-trips images of many sizes through pack, host verify and the device's boot", () => {
    const board = tinyBoard();
    for (const [size, seed] of [[0, 1], [4, 2], [1000, 3], [24_000, 4], [70_000, 5], [200_000, 6]]) {
      const raw = makeVmImage(size, seed);
      const packed = packImage(raw, board, { serial: seed });
      expect(isFlashImage(packed)).toBe(true);
      const h = readHeader(packed);
      expect(h.expandedBytes).toBe(raw.length);
      expect(h.payloadBytes).toBe(packed.length - FI_HEADER_BYTES);
      expect(h.serial).toBe(seed);
      expect(h.boardName).toBe("sim");
      expect(equalBytes(verifyImage(packed, { board }).raw, raw)).toBe(true);
      const flash = SimFlash.erased(board.flashSize, board.sectorSize);
      expect(FlashDevice.open(flash, board).update(packed)).toBe(0);
      const b = FlashDevice.open(flash, board).boot();
      expect(b.slot).toBe(0);
      expect(equalBytes(b.image, raw)).toBe(true);
    }
  });

  it("decodes incompressible data (stored blocks) and highly repetitive data (long matches)", () => {
    const board = tinyBoard();
    const r = rng(99);
    const noisy = makeVmImage(100_000, 1);
    for (let i = 32; i < noisy.length; i++) noisy[i] = r() & 0xff;
    const flat = makeVmImage(100_000, 1);
    flat.fill(0x41, 32);
    for (const raw of [noisy, flat]) {
      const packed = packImage(raw, board);
      const flash = SimFlash.erased(board.flashSize, board.sectorSize);
      FlashDevice.open(flash, board).update(packed);
      expect(equalBytes(FlashDevice.open(flash, board).boot().image, raw)).toBe(true);
    }
  });

  it("packs at least as small as gzip -9 (payload vs gzip stream without its 18-byte wrapper)", () => {
    const board = loadBoard("sim");
    const raw = makeVmImage(150_000, 21);
    const packed = packImage(raw, board);
    const gz = gzipSync(raw, { level: 9 }).length - 18;
    expect(packed.length - FI_HEADER_BYTES).toBeLessThanOrEqual(gz);
  });

  it("host CRC-32 matches the standard check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it("states the decoder's RAM bound, and the device computes the same number", () => {
    const board = tinyBoard();
    const dev = FlashDevice.open(SimFlash.erased(board.flashSize, board.sectorSize), board);
    expect(dev.decoderRamBytes()).toBe(FL_DECODER_RAM_BYTES);
    expect(FL_DECODER_RAM_BYTES).toBeLessThan(5000);
  });

  it("the device's snapshot compressor round-trips every kind of image (fixed Huffman, or stored when smaller)", () => {
    const board = tinyBoard();
    const r = rng(123);
    const mk = (n: number, f: (i: number) => number): Uint8Array => {
      const img = makeVmImage(n, 1);
      for (let i = 32; i < img.length; i++) img[i] = f(i);
      return img;
    };
    const images = [
      makeVmImage(0, 1), makeVmImage(4, 2), makeVmImage(30, 3), makeVmImage(70_000, 4), makeVmImage(140_000, 5),
      mk(100_000, () => 0), mk(50_000, () => r() & 0xff), mk(66_000, (i) => (i * 7) & 0xff),
      mk(90_000, (i) => (i % 300 < 200 ? i & 3 : r() & 0xff)),
    ];
    for (const raw of images) {
      const flash = SimFlash.erased(board.flashSize, board.sectorSize);
      FlashDevice.open(flash, board).update(packImage(makeVmImage(1000, 9), board, { effort: "fast" }));
      const d = FlashDevice.open(flash, board);
      d.boot();
      d.confirm();
      expect(d.snapshot(raw)).toBe(1);
      const off = board.slots[1].offset;
      const h = readHeader(flash.read(off, FI_HEADER_BYTES));
      expect(h.payloadBytes).toBeLessThanOrEqual(raw.length + 5 * Math.ceil(Math.max(raw.length, 1) / 65535));
      const slotBytes = flash.read(off, FI_HEADER_BYTES + h.payloadBytes).slice();
      expect(equalBytes(verifyImage(slotBytes, { board }).raw, raw)).toBe(true);
      expect(equalBytes(FlashDevice.open(flash, board).boot().image, raw)).toBe(true);
    }
  });

  it("the snapshot path (compressed by the device) boots and verifies on the host", () => {
    const board = tinyBoard();
    const rawA = makeVmImage(20_000, 3);
    const rawS = makeVmImage(90_000, 4);
    const flash = SimFlash.erased(board.flashSize, board.sectorSize);
    FlashDevice.open(flash, board).update(packImage(rawA, board, { serial: 7 }));
    const d = FlashDevice.open(flash, board);
    d.boot();
    d.confirm();
    expect(d.snapshot(rawS)).toBe(1);
    const off = board.slots[1].offset;
    const h = readHeader(flash.read(off, FI_HEADER_BYTES));
    expect(h.serial).toBe(8);
    expect(h.boardName).toBe("sim");
    const slotBytes = flash.read(off, FI_HEADER_BYTES + h.payloadBytes).slice();
    expect(equalBytes(verifyImage(slotBytes, { board }).raw, rawS)).toBe(true);
    const b = FlashDevice.open(flash, board).boot();
    expect(b.slot).toBe(1);
    expect(equalBytes(b.image, rawS)).toBe(true);
  });
});
