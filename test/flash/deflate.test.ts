// The optimising DEFLATE encoder: every output decodes (zlib and the
// device's AS inflater) to the input; it is smaller than zlib -9.
import { describe, it, expect, beforeAll } from "vitest";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { deflateOptimal } from "../../host-tools/flash/deflate.js";
import { buildFlashWasm, makeVmImage, rng, tinyBoard, equalBytes } from "./helpers.js";
import { packImage } from "../../host-tools/flash/format.js";
import { SimFlash } from "../../host-tools/flash/simflash.js";
import { FlashDevice } from "../../host-tools/flash/device.js";

beforeAll(() => buildFlashWasm());

function cases(): [string, Uint8Array][] {
  const r = rng(5);
  const noise = new Uint8Array(5000).map(() => r() & 0xff);
  const text = new TextEncoder().encode("the quick brown fox jumps over the lazy dog. ".repeat(300));
  const mixed = new Uint8Array(60_000).map((_, i) => (i % 7 === 0 ? r() & 0xff : (i * 13) & 0x3f));
  return [
    ["empty", new Uint8Array(0)], ["one byte", new Uint8Array([42])], ["two bytes", new Uint8Array([1, 2])],
    ["zeros", new Uint8Array(100_000)], ["noise", noise], ["text", text], ["mixed", mixed],
    ["heap-like", makeVmImage(120_000, 9)],
  ];
}

describe("optimising DEFLATE encoder", () => {
  for (const [name, data] of cases()) {
    it(`round-trips ${name} (${data.length} bytes) through zlib`, () => {
      const z = deflateOptimal(data);
      expect(equalBytes(new Uint8Array(inflateRawSync(z)), data)).toBe(true);
      if (data.length > 1000) expect(z.length).toBeLessThanOrEqual(deflateRawSync(data, { level: 9 }).length + 8);
    });
  }

  it("round-trips through the device's inflater", () => {
    const board = tinyBoard();
    const raw = makeVmImage(80_000, 10);
    const packed = packImage(raw, board);
    const flash = SimFlash.erased(board.flashSize, board.sectorSize);
    FlashDevice.open(flash, board).update(packed);
    expect(equalBytes(FlashDevice.open(flash, board).boot().image, raw)).toBe(true);
  });

  it("is smaller than zlib -9 on a heap-like synthetic image", () => {
    const raw = makeVmImage(150_000, 12);
    const z = deflateOptimal(raw);
    expect(equalBytes(new Uint8Array(inflateRawSync(z)), raw)).toBe(true);
    expect(z.length / deflateRawSync(raw, { level: 9 }).length).toBeLessThan(0.995);
  });
});

describe("the device's inflater reads every encoder's DEFLATE", () => {
  it("zlib at every level and strategy, small windows and memory levels, fflate: all boot", async () => {
    const { constants: zc } = await import("node:zlib");
    const board = tinyBoard();
    const raw = makeVmImage(40_000, 17);
    const { sealHeader } = await import("../../host-tools/flash/format.js");
    const { crc32 } = await import("../../host-tools/flash/crc32.js");
    const { deflateSync: fflate } = await import("fflate");
    const { FI_HEADER_BYTES, FI_PAYLOAD_BYTES_OFF, FI_PAYLOAD_CRC_OFF } = await import("../../vm-as/flash/layout.js");
    const streams: [string, Uint8Array][] = [];
    for (let level = 0; level <= 9; level++) {
      for (const strategy of [zc.Z_DEFAULT_STRATEGY, zc.Z_FILTERED, zc.Z_HUFFMAN_ONLY, zc.Z_RLE, zc.Z_FIXED]) {
        streams.push([`zlib l${level} s${strategy}`, new Uint8Array(deflateRawSync(raw, { level, strategy }))]);
      }
    }
    for (const windowBits of [9, 10, 12]) for (const memLevel of [1, 5, 9]) {
      streams.push([`zlib w${windowBits} m${memLevel}`, new Uint8Array(deflateRawSync(raw, { level: 9, windowBits, memLevel }))]);
    }
    for (const level of [0, 1, 4, 6, 9] as const) streams.push([`fflate ${level}`, fflate(raw, { level })]);
    const template = packImage(raw, board, { effort: "fast" });
    for (const [name, payload] of streams) {
      const img = new Uint8Array(FI_HEADER_BYTES + payload.length);
      img.set(template.subarray(0, FI_HEADER_BYTES));
      img.set(payload, FI_HEADER_BYTES);
      const v = new DataView(img.buffer);
      v.setUint32(FI_PAYLOAD_BYTES_OFF, payload.length, true);
      v.setUint32(FI_PAYLOAD_CRC_OFF, crc32(payload), true);
      sealHeader(img);
      const flash = SimFlash.erased(board.flashSize, board.sectorSize);
      FlashDevice.open(flash, board).update(img);
      const b = FlashDevice.open(flash, board).boot();
      expect(equalBytes(b.image, raw), name).toBe(true);
    }
  });
});
