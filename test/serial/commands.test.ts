// The command functions in-process: talc device / flash / monitor / repl /
// ports, over a real pty, with their exit statuses and messages.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buildImage } from "../../host-tools/image/builder.js";
import { buildClassPath } from "../../host-tools/classpath.js";
import { deviceCommand, flashCommand, monitorCommand, replCommand, portsCommand, type SerialIO } from "../../host-tools/serial/commands.js";

interface Captured { io: SerialIO; out: () => string; err: () => string }
function capture(extra: Partial<SerialIO> = {}): Captured {
  let out = "";
  let err = "";
  const text = (s: Uint8Array | string) => (typeof s === "string" ? s : new TextDecoder().decode(s));
  return {
    io: { stdout: (s) => { out += text(s); }, stderr: (s) => { err += text(s); }, cwd: dir, tty: false, ...extra },
    out: () => out, err: () => err,
  };
}

let dir = "";
let tty = "";
const stopDevice = new AbortController();
let deviceDone: Promise<number>;
let device: Captured;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "talc-cmd-"));
  writeFileSync(join(dir, "Greeter.som"), "Greeter = (\n  run = (\n    'hello from the board' println.\n    'second line' println\n  )\n)\n");
  const raw = await buildImage({ classPath: buildClassPath(undefined, join(dir, "Greeter.som"), dir), main: "Greeter", heapBytes: 4 << 20 });
  writeFileSync(join(dir, "greeter.img"), raw);
  writeFileSync(join(dir, "junk.img"), new Uint8Array(100).fill(7));
  tty = join(dir, "board.tty");
  device = capture({ signal: stopDevice.signal });
  deviceDone = deviceCommand(["--board", "sim", "--flash", "flash.bin", "--link", tty, "--baud", "921600", "--quiet"], device.io);
  for (let i = 0; i < 500 && !device.out().includes(tty); i++) await new Promise((r) => setTimeout(r, 10));
});

afterAll(async () => {
  stopDevice.abort();
  expect(await deviceDone).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

async function idle(): Promise<void> { await new Promise((r) => setTimeout(r, 150)); }

describe("talc device / flash / monitor / repl", () => {
  it("device prints its tty path and creates the flash file", () => {
    expect(device.out()).toBe(`${tty}\n`);
    expect(existsSync(join(dir, "flash.bin"))).toBe(true);
  });

  it("flash packs a VM image, writes, verifies and reboots into it", async () => {
    const c = capture();
    const status = await flashCommand(["--port", tty, "--baud", "921600", "greeter.img"], c.io);
    expect(c.err()).toBe("");
    expect(status).toBe(0);
    expect(c.out()).toMatch(/^flashed greeter\.img \(packed for sim\): \d+ bytes to slot [01] of sim\n/);
    expect(c.out()).toMatch(/verified \(SHA-256\), switched, rebooted: slot [01]: running/);
    await idle();
    // the same image again: nothing to do
    const again = capture();
    expect(await flashCommand(["-p", tty, "-b", "921600", "greeter.img"], again.io)).toBe(0);
    expect(again.out()).toMatch(/^sim already runs greeter\.img \(packed for sim\) \(slot [01]\); nothing written/);
    await idle();
  });

  it("monitor shows the program's output after a reset", async () => {
    const c = capture({ stdin: Readable.from([]) });
    expect(await monitorCommand(["--port", tty, "--baud", "921600", "--reset", "--exit", "--timeout", "20"], c.io)).toBe(0);
    expect(c.out()).toBe("hello from the board\nsecond line\n");
    expect(c.err()).toMatch(/\[program exited with status 0\]/);
    await idle();
  });

  it("monitor --info prints what the device reports", async () => {
    const c = capture();
    expect(await monitorCommand(["--port", tty, "--baud", "921600", "--info"], c.io)).toBe(0);
    expect(c.out()).toMatch(/^board          sim  \(protocol 1, VM \d+, flash image format \d+\)\n/);
    expect(c.out()).toMatch(/slots          active [01], running [01], writable [01]\n/);
    expect(c.out()).toMatch(/uart           921600 baud/);
    await idle();
  });

  it("repl evaluates expressions on the device; errors are reported and set the status", async () => {
    const huge = Array.from({ length: 200 }, (_, i) => `'item${i}'`).join(" + ");
    const c = capture({ stdin: Readable.from(["3 + 4\n", "'ab' + 'cd'\n", "nil frobnicate\n", "3 +\n", huge + "\n", "6 * 7\n"]) });
    const status = await replCommand(["--port", tty, "--baud", "921600"], c.io);
    expect(c.out()).toBe("7\nabcd\n42\n");
    expect(c.err()).toMatch(/does not fit one frame/);
    expect(c.err()).toMatch(/error: .*frobnicate/);
    expect(c.err()).toContain("<repl>:1:4: Unexpected ']'. Expected an expression\n3 +\n   ^\n");
    expect(status).toBe(1);
    await idle();
  });

  it("clear errors: missing port, not an image, usage", async () => {
    let c = capture();
    expect(await flashCommand(["--port", join(dir, "nope.tty"), "greeter.img"], c.io)).toBe(1);
    expect(c.err()).toMatch(/^talc flash: cannot open serial port .*nope\.tty/);
    c = capture();
    expect(await flashCommand(["--port", tty, "-b", "921600", "junk.img"], c.io)).toBe(1);
    expect(c.err()).toBe("talc flash: junk.img: neither a flash image (.tfi) nor a VM image (.img)\n");
    await idle();
    c = capture();
    expect(await flashCommand(["greeter.img"], c.io)).toBe(2);
    expect(c.err()).toMatch(/required option '-p, --port <path>'/);
    c = capture();
    expect(await flashCommand(["--help"], c.io)).toBe(0);
    expect(c.out()).toMatch(/Usage: talc flash --port PATH/);
    c = capture();
    expect(await deviceCommand(["--board", "mps2-an385", "--flash", "x.bin"], c.io)).toBe(1);
    expect(c.err()).toMatch(/cannot be simulated here/);
  });

  it("ports says when the system cannot enumerate, and still exits 0", async () => {
    const c = capture();
    expect(await portsCommand([], c.io)).toBe(0);
    expect(c.out()).toMatch(/cannot enumerate serial ports|no serial ports found|\/dev\//);
  });
});
