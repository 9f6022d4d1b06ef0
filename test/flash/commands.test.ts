// `talc image …` and `talc flash-file …` in-process, on real files.
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFlashWasm, makeVmImage } from "./helpers.js";
import { flashFileCommand, imageCommand } from "../../host-tools/flash/commands.js";
import { loadBoard } from "../../host-tools/flash/board.js";
import { FL_DECODER_RAM_BYTES } from "../../vm-as/flash/layout.js";

beforeAll(() => buildFlashWasm());

function io(cwd: string) {
  const o = { out: "", err: "" };
  const dec = new TextDecoder();
  return {
    o,
    io: { cwd, stdout: (s: Uint8Array | string) => { o.out += typeof s === "string" ? s : dec.decode(s); },
      stderr: (s: Uint8Array | string) => { o.err += typeof s === "string" ? s : dec.decode(s); } },
  };
}

describe("talc image", () => {
  const dir = mkdtempSync(join(tmpdir(), "talc-image-"));
  const raw = makeVmImage(50_000, 61);
  writeFileSync(join(dir, "app.img"), raw);

  it("pack → info → unpack round trip, with sizes, gzip -9 ratio and decoder RAM", async () => {
    const a = io(dir);
    expect(await imageCommand(["pack", "app.img", "-o", "app.tfi"], a.io)).toBe(0);
    expect(a.o.out).toMatch(/app\.tfi: 50032 -> \d+ bytes/);
    const b = io(dir);
    expect(await imageCommand(["info", "app.tfi"], b.io)).toBe(0);
    expect(b.o.out).toMatch(/raw bytes: +50032/);
    expect(b.o.out).toMatch(/packed bytes: +\d+ \(header 96 \+ payload \d+\)/);
    expect(b.o.out).toMatch(/gzip -9 bytes: +\d+ \(packed\/gzip -9 = \d\.\d{3}\)/);
    expect(b.o.out).toContain(`decoder RAM:     ${FL_DECODER_RAM_BYTES} bytes`);
    expect(b.o.out).toMatch(/verified: +yes \(board sim\)/);
    const j = io(dir);
    expect(await imageCommand(["info", "--json", "app.tfi"], j.io)).toBe(0);
    const info = JSON.parse(j.o.out);
    expect(info).toMatchObject({ valid: true, rawBytes: 50032, board: "sim", decoderRamBytes: FL_DECODER_RAM_BYTES });
    expect(info.packedBytes).toBe(statSync(join(dir, "app.tfi")).size);
    const c = io(dir);
    expect(await imageCommand(["unpack", "app.tfi", "-o", "back.img"], c.io)).toBe(0);
    expect(readFileSync(join(dir, "back.img")).equals(Buffer.from(raw))).toBe(true);
  });

  it("info on a plain image shows what packing gives", async () => {
    const a = io(dir);
    expect(await imageCommand(["info", "app.img"], a.io)).toBe(0);
    expect(a.o.out).toMatch(/plain VM image v1, 32-bit/);
    expect(a.o.out).toMatch(/packed bytes:/);
  });

  it("--help goes to stdout with status 0; usage errors give status 2; a missing file one line and 1", async () => {
    const h = io(dir);
    expect(await imageCommand(["--help"], h.io)).toBe(0);
    expect(h.o.out).toMatch(/pack/);
    const hp = io(dir);
    expect(await imageCommand(["pack", "--help"], hp.io)).toBe(0);
    expect(hp.o.out).toMatch(/--board/);
    const u = io(dir);
    expect(await imageCommand(["pack", "app.img", "-o", "y.tfi", "--bogus"], u.io)).toBe(2);
    expect(u.o.err).toMatch(/unknown option/);
    const m = io(dir);
    expect(await imageCommand(["info", "nope.tfi"], m.io)).toBe(1);
    expect(m.o.err).toBe("talc image: nope.tfi: no such file\n");
    const nb = io(dir);
    expect(await imageCommand(["pack", "app.img", "-o", "x.tfi", "--board", "nosuch"], nb.io)).toBe(1);
    expect(nb.o.err).toMatch(/unknown board 'nosuch' \(known: .*sim/);
  });
});

describe("talc flash-file", () => {
  const dir = mkdtempSync(join(tmpdir(), "talc-flashfile-"));
  const board = loadBoard("sim");
  writeFileSync(join(dir, "a.img"), makeVmImage(30_000, 71));
  writeFileSync(join(dir, "b.img"), makeVmImage(40_000, 72));

  it("create makes an erased file of the board's flash size and will not overwrite", async () => {
    const a = io(dir);
    expect(await flashFileCommand(["create", "f.flash"], a.io)).toBe(0);
    const bytes = readFileSync(join(dir, "f.flash"));
    expect(bytes.length).toBe(board.flashSize);
    expect(bytes.every((b) => b === 0xff)).toBe(true);
    const b = io(dir);
    expect(await flashFileCommand(["create", "f.flash"], b.io)).toBe(1);
    expect(b.o.err).toMatch(/exists \(use --force/);
  });

  it("write, info, boot: trial, confirmation, fallback after failed boots", async () => {
    expect(await flashFileCommand(["create", "g.flash"], io(dir).io)).toBe(0);
    const w1 = io(dir);
    expect(await flashFileCommand(["write", "g.flash", "a.img"], w1.io)).toBe(0);
    expect(w1.o.out).toMatch(/slot 0/);
    const i1 = io(dir);
    expect(await flashFileCommand(["info", "g.flash"], i1.io)).toBe(0);
    expect(i1.o.out).toMatch(/active slot 0, confirmed/);
    expect(i1.o.out).toMatch(/slot 0 @ 0x00010000: valid image/);
    expect(i1.o.out).toMatch(/slot 1 @ 0x00200000: not a Talc flash image \(bad magic\): slot is erased/);
    expect(await flashFileCommand(["write", "g.flash", "b.img"], io(dir).io)).toBe(0);
    const i2 = io(dir);
    await flashFileCommand(["info", "g.flash"], i2.io);
    expect(i2.o.out).toMatch(/active slot 1, trial, 0\/3 attempts, fallback slot 0/);
    for (let k = 1; k <= 3; k++) {
      const b = io(dir);
      expect(await flashFileCommand(["boot", "--no-confirm", "g.flash"], b.io)).toBe(0);
      expect(b.o.out).toBe(`booted slot 1: 40032 bytes\n`);
    }
    const last = io(dir);
    expect(await flashFileCommand(["boot", "g.flash", "-o", "booted.img"], last.io)).toBe(0);
    expect(last.o.out).toBe("booted slot 0: 30032 bytes, confirmed\n");
    expect(readFileSync(join(dir, "booted.img")).equals(readFileSync(join(dir, "a.img")))).toBe(true);
  });

  it("write refuses an image packed for another board and leaves the file untouched", async () => {
    expect(await flashFileCommand(["create", "h.flash"], io(dir).io)).toBe(0);
    expect(await imageCommand(["pack", "a.img", "-o", "a-mps2.tfi", "--board", "mps2-an385"], io(dir).io)).toBe(0);
    const before = readFileSync(join(dir, "h.flash"));
    const w = io(dir);
    expect(await flashFileCommand(["write", "h.flash", "a-mps2.tfi"], w.io)).toBe(1);
    expect(w.o.err).toMatch(/image was packed for another board: image is for board 'mps2-an385'.*this board is 'sim'/);
    expect(readFileSync(join(dir, "h.flash")).equals(before)).toBe(true);
    const wf = io(dir);
    expect(await flashFileCommand(["write", "nofile.flash", "a.img"], wf.io)).toBe(1);
    expect(wf.o.err).toMatch(/no such flash file/);
  });
});

describe("no command", () => {
  it("prints usage on stderr with status 2", async () => {
    const a = io(tmpdir());
    expect(await imageCommand([], a.io)).toBe(2);
    expect(a.o.err).toMatch(/Usage: talc image/);
    const b = io(tmpdir());
    expect(await flashFileCommand(["nosuch"], b.io)).toBe(2);
    expect(b.o.err).toMatch(/unknown command 'nosuch'/);
  });
});
