// What arrives on the device's UART is never trusted: garbage, oversized
// frames, bad CRCs, wrong versions, bad arguments and writes outside the
// writable slot get an error frame and never touch the flash.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  PROTO_VERSION, MAX_FRAME, MAX_PAYLOAD, T_ERROR, T_HELLO, T_WRITE, T_ERASE, T_READ, T_SUMS, T_HASH, T_SET_ACTIVE,
  T_REPLY, T_EV_ANNOUNCE, SEQ_NONE, E_CRC, E_TOO_LONG, E_SHORT, E_VERSION, E_UNKNOWN, E_ARGS, E_RANGE, E_PROTECTED,
  E_ALIGN, E_NOT_ERASED, E_VERIFY, E_STATE, HASH_CRC32,
} from "../../vm-as/device/protocol.js";
import { cobsEncode, cobsDecode, crc32, encodeFrame, FrameDecoder, type Frame } from "../../host-tools/serial/frame.js";
import { DeviceClient, DeviceError } from "../../host-tools/serial/client.js";
import { flashImage } from "../../host-tools/serial/flasher.js";
import { memoryPair, prng, type Transport } from "../../host-tools/serial/transport.js";
import type { SimBoard } from "../../host-tools/serial/simboard.js";
import { memoryBoard, packed } from "./helpers.js";

let dir = "";
let board: SimBoard;
let link: Transport;
let frames: Frame[] = [];

function u32le(...v: number[]): Uint8Array {
  const b = new Uint8Array(4 * v.length);
  v.forEach((x, i) => new DataView(b.buffer).setUint32(4 * i, x >>> 0, true));
  return b;
}

async function settle(): Promise<void> { await new Promise((r) => setTimeout(r, 15)); }

/** Send raw wire bytes; answers the frames that came back. */
async function send(bytes: Uint8Array): Promise<Frame[]> {
  frames = [];
  await link.write(bytes);
  // wait for the first answer (machines under load), then a little for more
  for (let i = 0; i < 100 && frames.length === 0; i++) await settle();
  await settle();
  return frames;
}

function errorCode(f: Frame): number { return f.type === T_ERROR ? f.payload[0]! : -1; }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "talc-wire-"));
  ({ board, link } = memoryBoard({ flashPath: join(dir, "flash.bin") }));
  const dec = new FrameDecoder();
  link.onData((c) => dec.push(c, (r) => { if (r.kind === "frame") frames.push(r.frame); }));
  return (async () => {   // the power-on ANNOUNCE
    for (let i = 0; i < 200 && !frames.some((f) => f.type === T_EV_ANNOUNCE); i++) await settle();
    frames = [];
  })();
});
afterEach(() => { board.close(); rmSync(dir, { recursive: true, force: true }); });

describe("framing", () => {
  it("COBS round-trips every length and byte pattern", () => {
    const r = prng(7);
    for (let n = 0; n < 800; n += 1 + (n >> 4)) {
      const d = new Uint8Array(n).map(() => (r() < 0.2 ? 0 : (r() * 256) | 0));
      const enc = cobsEncode(d);
      expect(enc[enc.length - 1]).toBe(0);
      expect(enc.subarray(0, -1).includes(0)).toBe(false);
      expect(Array.from(cobsDecode(enc.subarray(0, -1))!)).toEqual(Array.from(d));
    }
  });

  it("CRC-32 is zlib's", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});

describe("device engine refuses bad input with an error frame", () => {
  it("answers HELLO with its info", async () => {
    const got = await send(encodeFrame(T_HELLO, 5, Uint8Array.of(PROTO_VERSION)));
    expect(got.length).toBe(1);
    expect(got[0]!.type).toBe(T_HELLO | T_REPLY);
    expect(got[0]!.seq).toBe(5);
  });

  it("bad CRC -> E_CRC with unknown seq", async () => {
    const raw = encodeFrame(T_HELLO, 9, Uint8Array.of(PROTO_VERSION));
    const dec = cobsDecode(raw.subarray(0, -1))!;
    dec[2] ^= 0x40;
    const got = await send(cobsEncode(dec));
    expect(got.map(errorCode)).toEqual([E_CRC]);
    expect(got[0]!.seq).toBe(SEQ_NONE);
  });

  it("wrong protocol version -> E_VERSION naming both versions", async () => {
    const got = await send(encodeFrame(T_HELLO, 3, Uint8Array.of(9), PROTO_VERSION + 1));
    expect(got.map(errorCode)).toEqual([E_VERSION]);
    expect(got[0]!.seq).toBe(3);
    const text = new TextDecoder().decode(got[0]!.payload.subarray(2));
    expect(text).toContain(`version ${PROTO_VERSION + 1}`);
    expect(text).toContain(`speaks version ${PROTO_VERSION}`);
  });

  it("the client turns a version mismatch into one clear message, both ways", async () => {
    // 1. a newer device answers in its own version: the client names both
    const [host, dev] = memoryPair();
    dev.onData((c) => {
      const d = new FrameDecoder();
      d.push(c, (r) => {
        if (r.kind !== "frame") return;
        const text = new TextEncoder().encode(`frame has protocol version ${r.frame.version}, this device speaks version 2`);
        void dev.write(encodeFrame(T_ERROR, r.frame.seq, Uint8Array.from([E_VERSION, r.frame.type, ...text]), 2));
      });
    });
    const newer = new DeviceClient(host, { baud: 115200 });
    await expect(newer.hello(1)).rejects.toThrow(/protocol version mismatch: the device answers in protocol version 2, this talc speaks version 1/);
    // 2. our device refusing a frame of another version (what an older host would see)
    const got = await send(encodeFrame(T_HELLO, 8, Uint8Array.of(2), 2));
    expect(got.map(errorCode)).toEqual([E_VERSION]);
  });

  it("oversized frame -> E_TOO_LONG, then the next frame works", async () => {
    const big = new Uint8Array(MAX_FRAME + 100).fill(0x41);
    let got = await send(cobsEncode(big));
    expect(got.map(errorCode)).toEqual([E_TOO_LONG]);
    got = await send(encodeFrame(T_HELLO, 1, Uint8Array.of(PROTO_VERSION)));
    expect(got[0]!.type).toBe(T_HELLO | T_REPLY);
  });

  it("short frame and truncated COBS -> E_SHORT", async () => {
    expect((await send(Uint8Array.of(3, 1, 2, 0))).map(errorCode)).toEqual([E_SHORT]);
    expect((await send(Uint8Array.of(9, 1, 2, 0))).map(errorCode)).toEqual([E_SHORT]);
  });

  it("unknown request and bad arguments", async () => {
    expect((await send(encodeFrame(0x3e, 1, new Uint8Array(0)))).map(errorCode)).toEqual([E_UNKNOWN]);
    expect((await send(encodeFrame(T_WRITE, 2, new Uint8Array(3)))).map(errorCode)).toEqual([E_ARGS]);
    expect((await send(encodeFrame(T_WRITE, 2, new Uint8Array(4 + 1025)))).map(errorCode)).toEqual([E_ARGS]);
    expect((await send(encodeFrame(T_READ, 3, Uint8Array.of(0, 0, 0, 0, 0, 0)))).map(errorCode)).toEqual([E_ARGS]);
    expect((await send(encodeFrame(T_SUMS, 4, new Uint8Array([...u32le(0x10000, 0), 1, 0])))).map(errorCode)).toEqual([E_ARGS]);
    expect((await send(encodeFrame(T_HASH, 5, new Uint8Array([7, ...u32le(0, 16)])))).map(errorCode)).toEqual([E_ARGS]);
    expect((await send(encodeFrame(T_SET_ACTIVE, 6, Uint8Array.of(2)))).map(errorCode)).toEqual([E_ARGS]);
  });

  it("ranges outside the flash or the writable slot, misaligned erase", async () => {
    const def = board.board;
    expect((await send(encodeFrame(T_READ, 1, new Uint8Array([...u32le(def.flashSize - 2), 16, 0])))).map(errorCode)).toEqual([E_RANGE]);
    expect((await send(encodeFrame(T_HASH, 1, new Uint8Array([HASH_CRC32, ...u32le(0xfffffff0, 0x20)])))).map(errorCode)).toEqual([E_RANGE]);
    expect((await send(encodeFrame(T_SUMS, 1, new Uint8Array([...u32le(0, 0x100000), 0xff, 0])))).map(errorCode)).toEqual([E_RANGE]);
    // boot record and beyond the end of a slot
    expect((await send(encodeFrame(T_ERASE, 2, u32le(def.bootOffset, def.sectorSize)))).map(errorCode)).toEqual([E_PROTECTED]);
    expect((await send(encodeFrame(T_WRITE, 3, new Uint8Array([...u32le(def.bootOffset), 1, 2, 3])))).map(errorCode)).toEqual([E_PROTECTED]);
    const end = def.slots[1].offset + def.slots[1].size;
    expect((await send(encodeFrame(T_WRITE, 3, new Uint8Array([...u32le(end - 2), 1, 2, 3])))).map(errorCode)).toEqual([E_PROTECTED]);
    expect((await send(encodeFrame(T_ERASE, 4, u32le(def.slots[0].offset + 16, def.sectorSize)))).map(errorCode)).toEqual([E_ALIGN]);
    expect((await send(encodeFrame(T_ERASE, 4, u32le(0xfffff000, 0x2000)))).map(errorCode)).toEqual([E_RANGE]);
  });

  it("write needing a 0->1 bit -> E_NOT_ERASED; writes are idempotent", async () => {
    const off = board.board.slots[0].offset;
    let got = await send(encodeFrame(T_WRITE, 1, new Uint8Array([...u32le(off), 0x0f, 0xf0])));
    expect(got[0]!.type).toBe(T_WRITE | T_REPLY);
    got = await send(encodeFrame(T_WRITE, 2, new Uint8Array([...u32le(off), 0x0f, 0xf0])));
    expect(got[0]!.type).toBe(T_WRITE | T_REPLY);
    got = await send(encodeFrame(T_WRITE, 3, new Uint8Array([...u32le(off), 0xff, 0xf0])));
    expect(got.map(errorCode)).toEqual([E_NOT_ERASED]);
    expect(Array.from(board.flash.bytes.subarray(off, off + 3))).toEqual([0x0f, 0xf0, 0xff]);
  });

  it("SET_ACTIVE of a slot without a valid image -> E_VERIFY, boot record untouched", async () => {
    const br = board.flash.bytes.slice(board.board.bootOffset, board.board.bootOffset + 2 * board.board.sectorSize);
    const got = await send(encodeFrame(T_SET_ACTIVE, 1, Uint8Array.of(0)));
    expect(got.map(errorCode)).toEqual([E_VERIFY]);
    expect(new TextDecoder().decode(got[0]!.payload.subarray(2))).toContain("slot is erased");
    expect(board.flash.bytes.slice(board.board.bootOffset, board.board.bootOffset + br.length)).toEqual(br);
  });

  it("random garbage never touches the flash, never traps, and the device still answers", async () => {
    const before = board.flash.bytes.slice();
    frames = [];
    const r = prng(1234);
    let errors = 0;
    for (let round = 0; round < 300; round++) {
      const n = 1 + ((r() * 3000) | 0);
      const junk = new Uint8Array(n).map(() => (r() < 0.05 ? 0 : (r() * 256) | 0));
      // sometimes a frame with a valid CRC but random type and payload
      if (round % 3 === 0) {
        const t = (r() * 256) | 0;
        if (t !== 0x09 && t !== 0x08) { // RESET/BOOT are legitimate requests
          const p = new Uint8Array((r() * (MAX_PAYLOAD + 50)) | 0).map(() => (r() * 256) | 0);
          junk.set(encodeFrame(t, round, p).subarray(0, Math.min(n, 2000)), 0);
        }
      }
      await link.write(junk);
      if (round % 50 === 49) await settle();
    }
    // wait until the device has worked through all of it (no new frames for 200 ms)
    for (let last = -1, i = 0; i < 100 && frames.length !== last; i++) {
      last = frames.length;
      await new Promise((res) => setTimeout(res, 200));
    }
    errors = frames.filter((f) => f.type === T_ERROR).length;
    expect(errors).toBeGreaterThan(300);
    expect(Buffer.from(board.flash.bytes).equals(Buffer.from(before))).toBe(true);
    // a host starts with a delimiter: whatever partial frame the garbage left is ended
    const got = await send(new Uint8Array([0, ...encodeFrame(T_HELLO, 77, Uint8Array.of(PROTO_VERSION))]));
    expect(got.find((f) => f.seq === 77)!.type).toBe(T_HELLO | T_REPLY);
  });
});

describe("flash over an in-memory link", () => {
  it("flashes, and refuses an image for another board with one clear message", async () => {
    const client = new DeviceClient(link, { baud: 115200 });
    const img = packed(20000, 5);
    const r = await flashImage(client, img);
    expect(r.info!.runningSlot).toBe(r.slot);
    const other = { ...board.board, name: "other", id: 1234 };
    const bad = packed(1000, 6, other);
    await expect(flashImage(client, bad)).rejects.toThrow(/packed for board 'other', the device is 'sim'/);
    await expect(flashImage(client, new Uint8Array(50))).rejects.toThrow(/not a Talc flash image/);
  });

  it("between SET_ACTIVE and the reset no slot is writable: the running image and the trial are both protected", async () => {
    const client = new DeviceClient(link, { baud: 115200 });
    const first = await flashImage(client, packed(8000, 31));
    const other = 1 - first.slot;
    const img = packed(9000, 32);
    const base = board.board.slots[other].offset;
    await client.erase(base, 4 * board.board.sectorSize);
    for (let off = 0; off < img.length; off += 1024) await client.call(T_WRITE, client.writeFrame(base + off, img.subarray(off, off + 1024)));
    await client.setActive(other);
    const info = await client.hello();
    expect(info.activeSlot).toBe(other);
    expect(info.runningSlot).toBe(first.slot);
    expect(info.writableSlot).toBe(null);
    for (const s of [0, 1]) {
      const e = await client.erase(board.board.slots[s].offset, board.board.sectorSize).catch((x: unknown) => x);
      expect((e as DeviceError).code).toBe(E_PROTECTED);
    }
    await expect(flashImage(client, packed(5000, 33))).rejects.toThrow(/no writable slot.*reset the device/);
    // after the reset the trial boots and confirms; the old slot is writable again
    const after = await client.reset();
    expect(after!.runningSlot).toBe(other);
    expect(after!.writableSlot).toBe(first.slot);
  });

  it("SET_ACTIVE of the running slot is refused (E_STATE)", async () => {
    const client = new DeviceClient(link, { baud: 115200 });
    const r = await flashImage(client, packed(5000, 8));
    const e = await client.setActive(r.slot).catch((x) => x);
    expect(e).toBeInstanceOf(DeviceError);
    expect((e as DeviceError).code).toBe(E_STATE);
  });
});
