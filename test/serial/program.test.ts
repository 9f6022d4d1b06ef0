// A real program over a real pty: build an image, flash it, reboot into
// it, read its output on the console, evaluate expressions against it.
import { describe, it, expect, afterAll, afterEach, beforeAll } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage } from "../../host-tools/image/builder.js";
import { buildClassPath } from "../../host-tools/classpath.js";
import { packImage } from "../../host-tools/flash/format.js";
import { flashImage } from "../../host-tools/serial/flasher.js";
import { talcSimVm } from "../../host-tools/serial/simvm.js";
import { compileDoIt } from "../../host-tools/serial/doit.js";
import { makeRig, simBoardDef, type Rig } from "./helpers.js";
import { RESET_HOLD, DS_HOLD, E_STATE } from "../../vm-as/device/protocol.js";
import { DeviceError } from "../../host-tools/serial/client.js";

let dir = "";
let rig: Rig;

async function appImage(name: string, body: string): Promise<Uint8Array> {
  writeFileSync(join(dir, `${name}.som`), `${name} = (\n  run = (\n${body}\n  )\n)\n`);
  const raw = await buildImage({ classPath: buildClassPath(undefined, join(dir, `${name}.som`), dir), main: name, heapBytes: 4 << 20 });
  return packImage(raw, simBoardDef());
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "talc-prog-"));
  rig = await makeRig({ vm: talcSimVm(8 << 20), dir });
});
afterEach(async () => { await rig.closeClients(); });
afterAll(async () => { await rig.close(); rmSync(dir, { recursive: true, force: true }); });

describe("a program on the simulated board", () => {
  it("flash, reboot into it, see its output on the console, evaluate expressions", async () => {
    const img = await appImage("Blink", "    1 to: 3 do: [:i | ('tick ' + i) println].\n    'done' println");
    const { client } = await rig.open();
    let out = "";
    let exit: number | null = null;
    client.onConsole((c) => { out += new TextDecoder().decode(c.data); });
    client.onExit((s) => { exit = s; });
    const r = await flashImage(client, img);
    expect(r.info!.runningSlot).toBe(r.slot);
    for (let i = 0; i < 200 && exit === null; i++) await new Promise((res) => setTimeout(res, 10));
    expect(out).toBe("tick 1\ntick 2\ntick 3\ndone\n");
    expect(exit).toBe(0);

    const { classFile } = compileDoIt("3 + 4 * 2");
    expect(await client.eval(classFile)).toEqual({ ok: true, text: "14" });
    const two = compileDoIt("| a | a := 'ab' + 'cd'. a length");
    expect(await client.eval(two.classFile)).toEqual({ ok: true, text: "4" });
    const bad = await client.eval(compileDoIt("nil fooBar").classFile);
    expect(bad.ok).toBe(false);
    expect(bad.text).toMatch(/fooBar/);
  });

  it("reset --hold loads without running; BOOT starts the program; console input is accepted", async () => {
    const img = await appImage("Held", "    'started' println");
    const { client } = await rig.open();
    let out = "";
    client.onConsole((c) => { out += new TextDecoder().decode(c.data); });
    await flashImage(client, img);
    for (let i = 0; i < 100 && !out.includes("started"); i++) await new Promise((res) => setTimeout(res, 10));
    out = "";
    const held = await client.reset(RESET_HOLD);
    expect(held!.state).toBe(DS_HOLD);
    await new Promise((res) => setTimeout(res, 100));
    expect(out).toBe("");
    await client.boot();
    for (let i = 0; i < 100 && !out.includes("started"); i++) await new Promise((res) => setTimeout(res, 10));
    expect(out).toBe("started\n");
    const e = await client.boot().catch((x: unknown) => x);
    expect((e as DeviceError).code).toBe(E_STATE);
    expect(await client.consoleIn(new Uint8Array(200).fill(65))).toBe(200);
    expect(await client.consoleIn(new Uint8Array(200).fill(66))).toBe(56);   // the 256-byte ring is full
  });

  it("a second image replaces the first", async () => {
    const { client } = await rig.open();
    let out = "";
    client.onConsole((c) => { out += new TextDecoder().decode(c.data); });
    const a = await appImage("First", "    'first' println");
    const ra = await flashImage(client, a);
    const b = await appImage("Second", "    'second' println");
    const rb = await flashImage(client, b);
    expect(rb.slot).toBe(1 - ra.slot);
    for (let i = 0; i < 100 && !out.includes("second"); i++) await new Promise((res) => setTimeout(res, 10));
    expect(out).toContain("first\n");
    expect(out).toContain("second\n");
  });
});
