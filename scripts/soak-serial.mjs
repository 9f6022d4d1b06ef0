#!/usr/bin/env node
// Soak test of flashing over serial (not run in CI): hundreds of randomized
// flashes onto one simulated board on a real pty, with faults:
//   noise   dropped and corrupted bytes in both directions (random rates)
//   reset   the device resets at a random point of the transfer
//   kill    the host process (a child running the flash) is SIGKILLed at a
//           random moment
//   mixed   noise + reset
// Invariants checked after every run:
//   * a flash that reports success left the device running the new image;
//   * a flash that failed said so in one line, and after a power cycle the
//     device boots the image it ran before;
//   * running the same flash again (no faults) completes it.
//
// Usage: npm run build:host && node scripts/soak-serial.mjs [--runs N] [--seed S] [--baud B] [--verbose]
// (B = 0: unpaced, the default; 115200 for line-rate runs — slow.)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => join(root, "dist", p);
const imp = async (p) => import(dist(p));

const { IMAGE_MAGIC, IMAGE_VERSION, IMAGE_HEADER_BYTES, IH_MAGIC, IH_VERSION, IH_WORD_BITS, IH_HEADER_BYTES, IH_HEAP_USED, IH_HEAP_WANTED } = await imp("vm-as/layout.js");
const { loadBoard } = await imp("host-tools/flash/board.js");
const { packImage } = await imp("host-tools/flash/format.js");
const { SimBoard } = await imp("host-tools/serial/simboard.js");
const { SimPty } = await imp("host-tools/serial/simpty.js");
const { deviceModule } = await imp("host-tools/serial/devicewasm.js");
const { SerialTransport } = await imp("host-tools/serial/serialtransport.js");
const { DeviceClient } = await imp("host-tools/serial/client.js");
const { FaultyTransport, prng } = await imp("host-tools/serial/transport.js");
const { flashImage } = await imp("host-tools/serial/flasher.js");
const { crc32 } = await imp("host-tools/serial/frame.js");

// ---- child mode: one flash, then exit (the parent kills it mid-way) --------
if (process.argv[2] === "--child") {
  const [, , , tty, file, baud] = process.argv;
  const client = new DeviceClient(await SerialTransport.open(tty, Number(baud) || 115200), { baud: Number(baud) || 115200 });
  try {
    const t = Date.now();
    const dbg = process.env.SOAK_DEBUG ? (s) => process.stderr.write(`[child ${Date.now() - t} ms] ${s}\n`) : undefined;
    process.stderr.write("connected\n");
    let last = -1;
    await flashImage(client, new Uint8Array(readFileSync(file)), {
      log: dbg,
      progress: (p) => {
        const k = Math.floor((20 * p.done) / p.total);
        if (k !== last) { last = k; dbg?.(`${p.phase} ${p.done}/${p.total}`); }
        if (p.phase === "writing") process.stderr.write(`P ${p.done / p.total}\n`);
        if (p.phase === "verifying" || p.phase === "booting") process.stderr.write(`${p.phase === "verifying" ? "V" : "B"}\n`);
      },
    });
    process.exitCode = 0;
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  } finally {
    await client.close();
  }
  process.exit();
}

// ---- parent ------------------------------------------------------------------
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const RUNS = opt("--runs", 300);
const SEED = opt("--seed", Date.now() % 1000000);
const BAUD = opt("--baud", 0);
const VERBOSE = args.includes("--verbose");
const KINDS = args.includes("--kinds") ? args[args.indexOf("--kinds") + 1].split(",") : ["noise", "reset", "kill", "mixed"];

function vmImage(size, seed) {
  const img = new Uint8Array(IMAGE_HEADER_BYTES + size);
  const dv = new DataView(img.buffer);
  dv.setUint32(IH_MAGIC, IMAGE_MAGIC, true);
  dv.setUint16(IH_VERSION, IMAGE_VERSION, true);
  dv.setUint8(IH_WORD_BITS, 32);
  dv.setUint32(IH_HEADER_BYTES, IMAGE_HEADER_BYTES, true);
  dv.setUint32(IH_HEAP_USED, size, true);
  dv.setUint32(IH_HEAP_WANTED, size * 2, true);
  const r = prng(seed);
  for (let i = IMAGE_HEADER_BYTES; i < img.length; i++) img[i] = r() < 0.5 ? (r() * 256) | 0 : (i >> 4) & 0xff;
  return img;
}

const dir = mkdtempSync(join(tmpdir(), "talc-soak-"));
const def = loadBoard("sim");
const board = new SimBoard({ board: def, flashPath: join(dir, "flash.bin"), device: deviceModule(), baud: BAUD, vm: null });
board.powerOn();
const tty = join(dir, "tty");
const pty = new SimPty(board, tty);
await pty.start();
const rnd = prng(SEED);
const clientBaud = BAUD || 115200;

async function openClient(faults) {
  await pty.idle();
  const serial = await SerialTransport.open(tty, clientBaud);
  const link = faults ? new FaultyTransport(serial, faults) : serial;
  return new DeviceClient(link, { baud: clientBaud });
}

async function powerCycleAndCheck() {
  board.reset();
  const c = await openClient(null);
  try { return await c.hello(); } finally { await c.close(); }
}

const tally = { ok: 0, failedClean: 0, resumed: 0, violations: 0, kinds: {} };
let current = null;   // CRC-32 of the image the device should be running
const t0 = Date.now();

for (let run = 1; run <= RUNS; run++) {
 try {
  const kind = KINDS[Math.floor(rnd() * KINDS.length)];
  tally.kinds[kind] = (tally.kinds[kind] ?? 0) + 1;
  const size = 2000 + Math.floor(rnd() * 150000);
  const image = packImage(vmImage(size, Math.floor(rnd() * 1e9)), def, { serial: run });
  const want = crc32(image);
  let outcome = "ok";
  let message = "";
  if (kind === "kill") {
    const file = join(dir, "img.tfi");
    writeFileSync(file, image);
    await pty.idle();
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", tty, file, String(clientBaud)], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    let killed = false;
    // kill when the transfer reaches a random fraction (the child reports
    // progress), or (one run in five) during the verify or the switch + reboot
    const late = rnd() < 0.2 ? (rnd() < 0.5 ? "V" : "B") : null;
    const killAt = late ? 2 : rnd();
    child.stderr.on("data", (d) => {
      for (const l of String(d).split("\n")) {
        if (l === "" || l === "connected") continue;
        if (l.startsWith("P ")) {
          if (!killed && Number(l.slice(2)) >= killAt) { killed = true; child.kill("SIGKILL"); }
        } else if (l === "V" || l === "B") {
          if (!killed && l === late) { killed = true; child.kill("SIGKILL"); }
        } else err += l + "\n";
      }
    });
    const code = await new Promise((res) => child.on("exit", (c, sig) => res(sig ? sig : c)));

    outcome = code === 0 ? "ok" : "failed";
    message = code === "SIGKILL" ? (late ? `killed while ${late === "V" ? "verifying" : "switching and rebooting"}` : `killed at ${(100 * killAt).toFixed(0)}% of the transfer`) : err.trim();
    if (process.env.SOAK_DEBUG) console.log(err.trim());
  } else {
    const faults = kind === "reset" ? null : { drop: rnd() * 2e-3, corrupt: rnd() * 2e-3, seed: run };
    const client = await openClient(faults);
    let resetDone = kind === "noise";
    const resetAt = 0.05 + rnd() * 0.9;
    try {
      await flashImage(client, image, {
        progress: (p) => {
          if (!resetDone && p.phase === "writing" && p.done > p.total * resetAt) { resetDone = true; board.reset(); }
        },
      });
    } catch (e) {
      outcome = "failed";
      message = e.message;
    } finally {
      await client.close().catch(() => {});
    }
  }
  // Invariants
  const info = await powerCycleAndCheck();
  let violation = "";
  if (outcome === "ok") {
    if (info.imageCrc !== want) violation = `flash reported success but the device runs CRC ${info.imageCrc.toString(16)}, not ${want.toString(16)}`;
    else tally.ok++;
  } else {
    if (!message.startsWith("killed") && (message === "" || message.includes("\n"))) violation = `failure without one clear line: ${JSON.stringify(message)}`;
    // a kill after SET_ACTIVE may have switched already: either the old or the new image
    else if (info.imageCrc !== (current ?? 0) && info.imageCrc !== want) violation = `after a failed flash the device runs neither the previous nor the new image (${info.message})`;
    else tally.failedClean++;
    // the same flash again completes it
    const c = await openClient(null);
    try {
      const r = await flashImage(c, image);
      if (r.info.imageCrc !== want && !r.alreadyRunning) violation ||= "re-running the flash did not complete it";
      else if (!r.alreadyRunning && r.sectorsSkipped > 0) tally.resumed++;
      if (VERBOSE) message += ` — re-run: ${r.alreadyRunning ? "already running" : `${r.sectorsSkipped}/${r.sectors} sectors skipped`}`;
    } catch (e) {
      violation ||= `re-running the flash failed: ${e.message}`;
    } finally {
      await c.close().catch(() => {});
    }
  }
  if (VERBOSE && outcome === "failed") message += "";
  if (violation) {
    tally.violations++;
    console.log(`run ${run} (${kind}, ${image.length} bytes): VIOLATION: ${violation}`);
  } else if (VERBOSE) {
    console.log(`run ${run} (${kind}, ${image.length} bytes): ${outcome}${message ? " — " + message : ""}`);
  }
  current = want;
 } catch (e) {
  // the harness itself (not the flash under test) failed: count it, go on
  tally.violations++;
  console.log(`run ${run}: HARNESS ERROR: ${e?.stack ?? e}`);
  current = null;
  try { const info = await powerCycleAndCheck(); current = info.imageCrc || null; } catch { /* next run */ }
 }
  if (run % 25 === 0) console.log(`${run}/${RUNS} runs, ${((Date.now() - t0) / 1000).toFixed(0)} s: ${JSON.stringify(tally)}`);
}

await pty.stop();
board.close();
rmSync(dir, { recursive: true, force: true });
console.log(`soak-serial: seed ${SEED}, ${RUNS} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s: ` +
  `${tally.ok} completed first time, ${tally.failedClean} failed cleanly (then completed on re-run, ${tally.resumed} of them resuming), ` +
  `${tally.violations} invariant violations; by kind ${JSON.stringify(tally.kinds)}`);
process.exit(tally.violations === 0 ? 0 : 1);
