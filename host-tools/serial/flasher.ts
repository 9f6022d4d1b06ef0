// Flashing a packed image (.tfi) over the device protocol.
//
//   1. HELLO: geometry, the writable slot (neither running, active, nor the
//      fallback of a trial image).
//   2. Passes until every sector matches: SUMS (CRC-32 per sector) -> ERASE
//      the differing sectors that are not blank -> WRITE their chunks,
//      pipelined (idempotent, so a resend is harmless).  Sectors that already
//      match are skipped, so running the same flash again after an
//      interruption resumes it.  A device reset, a timeout or a refused write
//      ends the pass; the next one starts from fresh checksums.
//   3. HASH (SHA-256) of the written range equals the image's.
//   4. SET_ACTIVE (the device verifies the image again and records it as the
//      trial boot), RESET, wait for the ANNOUNCE: the running slot and the
//      image CRC-32 must be the new ones.  A new image that fails to boot
//      is abandoned by the boot record and the previous one runs.
//
// Until step 4 the boot record is untouched: any failure before leaves the
// device booting its previous image.
import { createHash } from "node:crypto";
import {
  WRITE_CHUNK, T_WRITE, HASH_SHA256, E_NOT_ERASED, E_STATE, E_UNSUPPORTED, RESET_RUN, DS_RUNNING, DS_EXITED, DS_HOLD,
} from "../../vm-as/device/protocol.js";
import { FI_HEADER_BYTES } from "../../vm-as/flash/layout.js";
import { readHeader } from "../flash/format.js";
import { boardId } from "../flash/board.js";
import { DeviceClient, DeviceError, ResetError, TimeoutError, LinkClosedError } from "./client.js";
import { crc32 } from "./frame.js";
import { slotName, type DeviceInfo } from "./info.js";

export interface FlashProgress {
  phase: "checking" | "erasing" | "writing" | "verifying" | "booting";
  /** Image bytes known to be on the device. */
  done: number;
  total: number;
  /** Payload bytes per second of the writes so far. */
  bytesPerSec: number;
}

export interface FlashOptions {
  log?: (s: string) => void;
  progress?: (p: FlashProgress) => void;
  /** WRITE requests in flight (default 3). */
  window?: number;
  /** Data bytes per WRITE (default WRITE_CHUNK, 1024); halved after a pass
   *  lost to line errors, down to 128. */
  chunk?: number;
  /** Passes before giving up (default 6). */
  maxPasses?: number;
  /** Give up (for tests that kill the host mid-transfer). */
  signal?: AbortSignal;
  /** Wait for the new image's announce this long (default 20 s). */
  bootTimeoutMs?: number;
  /** Write even when the device already runs this very image. */
  force?: boolean;
}

export interface FlashResult {
  slot: number;
  info: DeviceInfo | null;
  imageBytes: number;
  sectors: number;
  sectorsWritten: number;
  sectorsSkipped: number;
  /** Payload bytes sent in WRITE requests (resends included). */
  bytesWritten: number;
  /** Seconds spent in WRITE streams. */
  writeSeconds: number;
  /** Seconds from HELLO to the new image's announce. */
  totalSeconds: number;
  passes: number;
  /** The device already ran this image: nothing was written, no reset. */
  alreadyRunning: boolean;
}

export class FlashError extends Error {}

export async function flashImage(client: DeviceClient, image: Uint8Array, opts: FlashOptions = {}): Promise<FlashResult> {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const header = readHeader(image);   // throws a clear FlashImageError for non-images
  const total = FI_HEADER_BYTES + header.payloadBytes;
  if (image.length !== total) throw new FlashError(`the image is ${image.length} bytes but its header announces ${total}`);

  let info = await client.helloAfterReset();
  if (header.boardId !== boardId(info.board)) {
    throw new FlashError(`the image was packed for board '${header.boardName}', the device is '${info.board}'`);
  }
  if (image.length > info.slotSize) throw new FlashError(`the image (${image.length} bytes) does not fit a slot (${info.slotSize} bytes)`);
  const slot = info.writableSlot;
  if (slot === null) {
    throw new FlashError("the device has no writable slot (a trial image is waiting for its first boot): reset the device and try again");
  }
  const base = info.slotOffsets[slot]!;
  const sector = info.sectorSize;
  const nSectors = Math.ceil(image.length / sector);
  const padded = new Uint8Array(nSectors * sector).fill(0xff);
  padded.set(image);
  const want: number[] = [];
  for (let i = 0; i < nSectors; i++) want.push(crc32(padded.subarray(i * sector, (i + 1) * sector)));
  const blank = crc32(new Uint8Array(sector).fill(0xff));
  log(`device ${info.board}: writing slot ${slotName(slot)} at 0x${base.toString(16)}, ${image.length} bytes in ${nSectors} sectors`);

  if (!opts.force && info.runningSlot !== null && info.imageCrc === crc32(image) && info.imageLength === image.length) {
    log(`the device already runs this image (slot ${slotName(info.runningSlot)}); nothing to do`);
    return {
      slot: info.runningSlot, info, imageBytes: image.length, sectors: nSectors, sectorsWritten: 0, sectorsSkipped: nSectors,
      bytesWritten: 0, writeSeconds: 0, totalSeconds: (performance.now() - t0) / 1000, passes: 0, alreadyRunning: true,
    };
  }
  const res: FlashResult = {
    alreadyRunning: false, slot, info: null, imageBytes: image.length, sectors: nSectors, sectorsWritten: 0, sectorsSkipped: 0,
    bytesWritten: 0, writeSeconds: 0, totalSeconds: 0, passes: 0,
  };
  let written = 0;          // payload bytes acknowledged in this run (for the rate)
  let writeStart = 0;
  const rate = () => (res.writeSeconds > 0 || writeStart > 0
    ? written / Math.max(1e-3, res.writeSeconds + (writeStart ? (performance.now() - writeStart) / 1000 : 0)) : 0);
  const report = (phase: FlashProgress["phase"], done: number) =>
    opts.progress?.({ phase, done: Math.min(done, image.length), total: image.length, bytesPerSec: rate() });
  const aborted = () => { if (opts.signal?.aborted) throw new FlashError("flash interrupted"); };

  try {
    const maxPasses = opts.maxPasses ?? 6;
    let chunkSize = Math.max(16, Math.min(WRITE_CHUNK, opts.chunk ?? WRITE_CHUNK));
    let complete = false;
    let firstPass = true;
    for (let pass = 1; pass <= maxPasses && !complete; pass++) {
      res.passes = pass;
      aborted();
      try {
        report("checking", 0);
        const sums = await client.sums(base, sector, nSectors);
        const todo: number[] = [];
        for (let i = 0; i < nSectors; i++) if (sums[i] !== want[i]) todo.push(i);
        if (firstPass) { res.sectorsSkipped = nSectors - todo.length; firstPass = false; }
        if (todo.length === 0) { complete = true; break; }
        log(`pass ${pass}: ${nSectors - todo.length} of ${nSectors} sectors already match, ${todo.length} to write`);
        let done = (nSectors - todo.length) * sector;
        report("erasing", done);
        // Erase runs of non-blank sectors (a barrier: no write is in flight).
        const dirty = todo.filter((i) => sums[i] !== blank);
        for (let k = 0; k < dirty.length;) {
          let j = k;
          while (j + 1 < dirty.length && dirty[j + 1] === dirty[j]! + 1) j++;
          aborted();
          await client.erase(base + dirty[k]! * sector, (j - k + 1) * sector);
          k = j + 1;
        }
        // Chunks to write, in order, skipping all-0xFF ones (already blank).
        const chunks: number[] = [];
        for (const i of todo) {
          for (let off = i * sector; off < (i + 1) * sector && off < image.length; off += chunkSize) {
            const end = Math.min(off + chunkSize, image.length);
            if (padded.subarray(off, end).some((b) => b !== 0xff)) chunks.push(off);
            else done += end - off;
          }
          if ((i + 1) * sector > image.length) done += (i + 1) * sector - image.length;
        }
        report("writing", done);
        writeStart = performance.now();
        try {
          await writeStream(client, base, image, chunks, chunkSize, opts.window ?? 3, (n) => {
            written += n; res.bytesWritten += n; done += n; report("writing", done);
          }, aborted, log);
        } finally {
          res.writeSeconds += (performance.now() - writeStart) / 1000;
          writeStart = 0;
        }
        res.sectorsWritten += todo.length;
      } catch (e) {
        if (!(e instanceof ResetError || e instanceof TimeoutError
          || (e instanceof DeviceError && e.code === E_NOT_ERASED))) throw e;
        log(`pass ${pass} interrupted: ${e instanceof ResetError ? "the device reset" : e.message}; resynchronising`);
        if (e instanceof TimeoutError && chunkSize > 128) {
          chunkSize = Math.max(128, chunkSize >> 1);
          log(`noisy line: ${chunkSize}-byte writes from now on`);
        }
        aborted();
        info = await resync(client, slot);
      }
    }
    if (!complete) {
      throw new FlashError(`the image did not reach the device after ${maxPasses} passes (line too noisy or device resetting); the device still boots its previous image; run the same command again to resume`);
    }

    // Verify the whole range by SHA-256 (CRC-32 if the device has no SHA-256).
    report("verifying", image.length);
    aborted();
    try {
      const digest = await client.hash(HASH_SHA256, base, image.length);
      const mine = createHash("sha256").update(image).digest();
      if (!Buffer.from(digest).equals(mine)) throw new FlashError("verification failed: the slot's SHA-256 differs from the image's after writing; run the same command again");
    } catch (e) {
      if (!(e instanceof DeviceError && e.code === E_UNSUPPORTED)) throw e;
      if ((await client.crc(base, image.length)) !== crc32(image)) throw new FlashError("verification failed: the slot's CRC-32 differs from the image's");
    }

  } catch (e) {
    if (e instanceof FlashError && /previous image|run the same command/.test(e.message)) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new FlashError(`${why}; the device still boots its previous image; run the same command again to resume`);
  }

  // Switch, reset, and see the new image announce itself.
  report("booting", image.length);
  aborted();
  try {
    await client.setActive(slot);
  } catch (e) {
    // A resent SET_ACTIVE after a lost reply finds the slot already active.
    if (!(e instanceof DeviceError && e.code === E_STATE)) throw e;
    const now = await client.hello();
    if (now.activeSlot !== slot) throw e;
  }
  log(`slot ${slotName(slot)} is the trial image; resetting`);
  const after = await client.reset(RESET_RUN, opts.bootTimeoutMs ?? 20000);
  res.info = after;
  res.totalSeconds = (performance.now() - t0) / 1000;
  if (!after) throw new FlashError("the device announced itself with unreadable information after the reset");
  if (after.runningSlot !== slot || after.imageCrc !== crc32(image)) {
    const prev = after.runningSlot === null ? "no image" : `its previous image (slot ${slotName(after.runningSlot)})`;
    throw new FlashError(`the new image did not boot: ${after.message || "no reason given"}; the device runs ${prev}`);
  }
  if (after.state !== DS_RUNNING && after.state !== DS_EXITED && after.state !== DS_HOLD) {
    throw new FlashError(`the new image is in slot ${slotName(slot)} but did not start: ${after.message}`);
  }
  return res;
}

/** After a reset or lost contact: HELLO again and check the target slot is still ours. */
async function resync(client: DeviceClient, slot: number): Promise<DeviceInfo> {
  const info = await client.helloAfterReset(8);
  if (info.writableSlot !== slot) {
    throw new FlashError(`the device's writable slot changed from ${slotName(slot)} to ${slotName(info.writableSlot)} during the transfer; run the command again`);
  }
  return info;
}

/** WRITE `chunks` (image offsets, `chunkSize` bytes each) with up to `window` requests in flight. */
async function writeStream(
  client: DeviceClient, base: number, image: Uint8Array, chunks: number[], chunkSize: number, window: number,
  acked: (bytes: number) => void, aborted: () => void, log: (s: string) => void,
): Promise<void> {
  const queue = chunks.slice();
  const tries = new Map<number, number>();
  let inFlight = 0;
  let failure: unknown = null;
  let queuedBytes = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (failure !== null) { if (inFlight === 0) resolve(); return; }
      try { aborted(); } catch (e) { failure = e; if (inFlight === 0) resolve(); return; }
      while (inFlight < window && queue.length > 0) {
        const off = queue.shift()!;
        const data = image.subarray(off, Math.min(off + chunkSize, image.length));
        const payload = client.writeFrame(base + off, data);
        const frameBytes = payload.length + 16;
        const timeout = client.deadline(frameBytes, 24, queuedBytes);
        inFlight++;
        queuedBytes += frameBytes;
        client.exchange(T_WRITE, payload, timeout).then((r) => {
          inFlight--;
          queuedBytes -= frameBytes;
          if (r.kind === "reply") { acked(data.length); }
          else if (r.kind === "timeout" || r.kind === "line") {
            const t = (tries.get(off) ?? 0) + 1;
            tries.set(off, t);
            if (t > 8) failure = failure ?? new TimeoutError(`no answer to WRITE at 0x${(base + off).toString(16)} after ${t} attempts`);
            else { log(`WRITE 0x${(base + off).toString(16)}: ${r.kind === "timeout" ? "timed out" : "line error"}, resending`); queue.unshift(off); }
          } else if (r.kind === "error") failure = failure ?? r.error;
          else if (r.kind === "reset") failure = failure ?? new ResetError(r.info);
          else failure = failure ?? new LinkClosedError();
          if (queue.length === 0 && inFlight === 0) resolve();
          else pump();
        });
      }
      if (queue.length === 0 && inFlight === 0) resolve();
    };
    pump();
  });
  if (failure !== null) throw failure;
}
