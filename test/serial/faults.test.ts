// Fault injection over a real pty: every flash either completes and
// verifies, or fails with a clear message leaving the previous image
// booting; running it again completes it.
import { describe, it, expect, afterEach } from "vitest";
import { FI_SHA256_OFF } from "../../vm-as/flash/layout.js";
import { sealHeader } from "../../host-tools/flash/format.js";
import { flashImage, FlashError } from "../../host-tools/serial/flasher.js";
import { crc32 } from "../../host-tools/serial/frame.js";
import { makeRig, packed, type Rig } from "./helpers.js";

let rig: Rig | null = null;
afterEach(async () => { await rig?.close(); rig = null; });


describe("flash under faults (real pty)", () => {
  it("completes through dropped and corrupted bytes in both directions", async () => {
    rig = await makeRig();
    const { client, faulty } = await rig.open({ drop: 3e-4, corrupt: 3e-4, seed: 42 });
    const img = packed(80000, 11);
    const r = await flashImage(client, img);
    expect(r.info!.runningSlot).toBe(r.slot);
    expect(r.info!.imageCrc).toBe(crc32(img));
    expect(faulty!.stats.dropped + faulty!.stats.corrupted).toBeGreaterThan(5);
    expect(client.stats.retries + client.stats.timeouts + client.stats.lineErrors).toBeGreaterThan(0);
  });

  it("survives a device reset mid-transfer", async () => {
    rig = await makeRig();
    const { client } = await rig.open();
    const img = packed(90000, 12);
    let resets = 0;
    const r = await flashImage(client, img, {
      progress: (p) => {
        if (p.phase === "writing" && resets === 0 && p.done > p.total * 0.4) { resets++; rig!.board.reset(); }
      },
    });
    expect(resets).toBe(1);
    expect(r.passes).toBeGreaterThan(1);
    expect(r.info!.runningSlot).toBe(r.slot);
    expect(r.info!.imageCrc).toBe(crc32(img));
  });

  it("host killed mid-transfer: the old image still boots; the same flash again resumes and completes", async () => {
    rig = await makeRig();
    let { client } = await rig.open();
    const oldImg = packed(30000, 13);
    const first = await flashImage(client, oldImg);
    const newImg = packed(100000, 14);
    const stop = new AbortController();
    const link = client.link;
    const err = await flashImage(client, newImg, {
      signal: stop.signal,
      progress: (p) => {
        if (p.phase === "writing" && p.done > p.total * 0.5 && !stop.signal.aborted) {
          stop.abort();
          void link.close();  // the process dies: its tty closes at once
        }
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    // power-cycle the board: it boots the previous image
    rig.board.reset();
    expect(rig.board.running!.slot).toBe(first.slot);
    ({ client } = await rig.open());
    const info = await client.hello();
    expect(info.runningSlot).toBe(first.slot);
    expect(info.imageCrc).toBe(crc32(oldImg));
    // run it again: sectors written before the kill are skipped
    const r = await flashImage(client, newImg);
    expect(r.sectorsSkipped).toBeGreaterThan(0);
    expect(r.sectorsSkipped).toBeLessThan(r.sectors);
    expect(r.info!.runningSlot).toBe(r.slot);
    expect(r.info!.imageCrc).toBe(crc32(newImg));
  });

  it("an image that fails its boot-time check is abandoned: the previous one runs, with a clear message", async () => {
    rig = await makeRig();
    const { client } = await rig.open();
    const good = packed(20000, 15);
    const first = await flashImage(client, good);
    const bad = packed(20000, 16);
    bad[FI_SHA256_OFF] ^= 1;   // header and payload CRCs fine, SHA-256 of the expansion wrong
    sealHeader(bad);
    const err = await flashImage(client, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlashError);
    expect((err as Error).message).toMatch(/did not boot: .*SHA-256.*previous image \(slot [01]\)/);
    const info = await client.hello();
    expect(info.runningSlot).toBe(first.slot);
    expect(info.imageCrc).toBe(crc32(good));
  });
});
